#!/usr/bin/env python3
"""E(r), the fraction of positions whose (2r+1)^3 cube is all pore (as WganTrainer.Erosion), for 60
Berea 64^3 sub-cubes (numpy seed 11, pore = 0 in the TIFF) and for the .npy cubes of each folder
given (porous generate --format npy). Needs numpy. Usage: erosion.py BEREA_TIF CUBE_DIR [CUBE_DIR ...]"""
import numpy as np, struct, glob, sys
def read_tif(path):
    b=open(path,'rb').read()
    e='<' if b[:2]==b'II' else '>'
    off=struct.unpack(e+'I',b[4:8])[0]; pages=[]
    while off:
        n=struct.unpack(e+'H',b[off:off+2])[0]; tags={}
        for i in range(n):
            t,typ,cnt,val=struct.unpack(e+'HHII',b[off+2+12*i:off+14+12*i])
            if typ==3 and cnt==1: val=struct.unpack(e+'H',b[off+2+12*i+8:off+2+12*i+10])[0]
            tags[t]=(typ,cnt,val)
        w=tags[256][2]; h=tags[257][2]; assert tags.get(259,(0,0,1))[2]==1
        so=tags[273]; sc=tags[279]
        def arr(tag):
            typ,cnt,val=tag
            if cnt==1: return [val]
            fmt='I' if typ==4 else 'H'; sz=4 if typ==4 else 2
            return list(struct.unpack(e+fmt*cnt,b[val:val+sz*cnt]))
        data=b''.join(b[o:o+c] for o,c in zip(arr(so),arr(sc)))
        pages.append(np.frombuffer(data,np.uint8)[:w*h].reshape(h,w))
        off=struct.unpack(e+'I',b[off+2+12*n:off+6+12*n])[0]
    return np.array(pages)
def E(p,rs):
    out=[]
    for r in rs:
        w=2*r+1; q=p.astype(np.int32)
        for ax in range(3):
            c=np.cumsum(q,axis=ax); c=np.concatenate([np.zeros_like(np.take(c,[0],axis=ax)),c],axis=ax)
            n=q.shape[ax]
            q=(np.take(c,range(w,n+1),axis=ax)-np.take(c,range(0,n-w+1),axis=ax))==w
            q=q.astype(np.int32)
        out.append(q.mean())
    return out
rs=[1,2,3,4]
v=read_tif(sys.argv[1]); print(v.shape, np.unique(v))
pore=(v==0)
rng=np.random.default_rng(11)
res=[]
for i in range(60):
    z,y,x=rng.integers(0,400-64,3); c=pore[z:z+64,y:y+64,x:x+64]; res.append([c.mean()]+E(c,rs))
print('columns: porosity, E(1), E(2), E(3), E(4); mean and standard deviation over the cubes')
print('berea',np.round(np.mean(res,0),4), 'sd',np.round(np.std(res,0),4))
for g in sys.argv[2:]:
    res=[]
    for f in sorted(glob.glob(g+'/cube_*.npy')):
        c=np.load(f)==1; res.append([c.mean()]+E(c,rs))
    print(g,np.round(np.mean(res,0),4),'sd',np.round(np.std(res,0),4))
