-- Query 13: bounded side input join; a processing-time lookup into a static table.
-- From nexmark-flink (src/main/resources/queries/q13.sql) with its ddl_gen.sql and ddl_views.sql. Adapted: Weir has
-- no lookup joins (FOR SYSTEM_TIME AS OF a processing-time attribute), so the side input is joined with a regular
-- join, which gives the same rows for a side input that does not change (but keeps the bids in state); and its key
-- mod(auction, 10000) is computed in a subquery, because Weir's planner takes only plain columns as equi-join keys
-- (an expression key would make it a nested-loop join). The side input file holds the lines "i,i" for i = 0 .. 9999 (nexmark-flink's side_input_gen.sh); the benchmark writes it. Run by
-- `npm run bench -- --scenario nexmark-q13`, which sets events.num.

CREATE TABLE datagen (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, `dateTime` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  `dateTime` AS
    CASE
      WHEN event_type = 0 THEN person.`dateTime`
      WHEN event_type = 1 THEN auction.`dateTime`
      ELSE bid.`dateTime`
    END,
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH (
  'connector' = 'nexmark',
  'first-event.rate' = '10000000',
  'next-event.rate' = '10000000',
  'events.num' = '100000000',
  'person.proportion' = '1',
  'auction.proportion' = '3',
  'bid.proportion' = '46'
);

CREATE VIEW person AS
SELECT person.id, person.name, person.emailAddress, person.creditCard, person.city, person.state, `dateTime`, person.extra
FROM datagen WHERE event_type = 0;

CREATE VIEW auction AS
SELECT auction.id, auction.itemName, auction.description, auction.initialBid, auction.reserve, `dateTime`,
       auction.expires, auction.seller, auction.category, auction.extra
FROM datagen WHERE event_type = 1;

CREATE VIEW bid AS
SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, `dateTime`, bid.extra
FROM datagen WHERE event_type = 2;

CREATE TABLE side_input (
  key BIGINT,
  `value` VARCHAR
) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/nexmark/data/side_input.txt',
  'format' = 'csv'
);

CREATE TABLE nexmark_q13 (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  `dateTime` TIMESTAMP(3),
  `value` VARCHAR
) WITH ('connector' = 'blackhole');

INSERT INTO nexmark_q13
SELECT B.auction, B.bidder, B.price, B.`dateTime`, S.`value`
FROM (SELECT auction, bidder, price, `dateTime`, mod(auction, 10000) AS side_key FROM bid) AS B
JOIN side_input AS S
ON B.side_key = S.key;
