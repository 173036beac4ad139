const fs=require('fs');const f=process.argv[2];
const p=JSON.parse(fs.readFileSync(f));const self=new Map();const dt=p.timeDeltas;const idx=new Map(p.nodes.map((n,i)=>[n.id,n]));
const cnt=new Map();for(let i=0;i<p.samples.length;i++){cnt.set(p.samples[i],(cnt.get(p.samples[i])||0)+(dt[i]||0));}
for(const [id,t] of cnt){const n=idx.get(id);const k=n.callFrame.functionName+' '+n.callFrame.url.split('/').slice(-1).join('/')+':'+n.callFrame.lineNumber;self.set(k,(self.get(k)||0)+t);}
const tot=[...self.values()].reduce((a,b)=>a+b,0);console.log(f, (tot/1e6).toFixed(1)+'s');console.log([...self].sort((a,b)=>b[1]-a[1]).slice(0,14).map(([k,t])=>(t/tot*100).toFixed(1)+'% '+k).join('\n'))
