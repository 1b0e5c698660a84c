import { login, send } from "./http";
const [port, email, path, n] = [Number(process.argv[2]), process.argv[3]!, process.argv[4]!, Number(process.argv[5] ?? 300)];
const s = await login(port, email, "bench-password-1234");
const times: number[] = [];
for (let i = 0; i < n; i++) {
  const r = await send({ port, path, headers: { cookie: s.cookie } });
  if (r.status !== 200) throw new Error(`status ${r.status} ${r.body.toString().slice(0, 200)}`);
  times.push(r.ms);
}
times.sort((a, b) => a - b);
console.log(`p50 ${times[Math.floor(n / 2)]!.toFixed(2)} ms, p10 ${times[Math.floor(n / 10)]!.toFixed(2)} ms`);
