# Script interpreter: lua5.4 running integer, floating-point, string, table
# and coroutine code.

run() {
	/usr/bin/lua5.4 - <<'LUA'
local x = 42
local function rand(n)
  x = (x * 1103515245 + 12345) % 2147483648
  return x % n
end

local t = {}
for i = 1, 150000 do t[i] = rand(1000000) end
table.sort(t)
local s = 0
for i = 1, #t, 97 do s = s + t[i] end
print("sort", t[1], t[#t], s)

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(28))

local function a(i, j) return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1) end
local function av(v, n, out)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do sum = sum + a(i, j) * v[j] end
    out[i] = sum
  end
end
local function atv(v, n, out)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do sum = sum + a(j, i) * v[j] end
    out[i] = sum
  end
end
local n, u, v, w = 100, {}, {}, {}
for i = 0, n - 1 do u[i] = 1.0 end
for _ = 1, 10 do
  av(u, n, w); atv(w, n, v)
  av(v, n, w); atv(w, n, u)
end
local vbv, vv = 0.0, 0.0
for i = 0, n - 1 do vbv = vbv + u[i] * v[i]; vv = vv + v[i] * v[i] end
print(string.format("spectralnorm %.9f", math.sqrt(vbv / vv)))

local words = {}
for i = 1, 40000 do words[#words + 1] = string.format("w%d", rand(5000)) end
local text = table.concat(words, " ")
local count = {}
for w in text:gmatch("%S+") do count[w] = (count[w] or 0) + 1 end
local distinct, best, bestn = 0, nil, 0
for w, c in pairs(count) do
  distinct = distinct + 1
  if c > bestn or (c == bestn and w < best) then best, bestn = w, c end
end
print("words", #text, distinct, best, bestn, (text:gsub("w1", "W")):len())

local gen = coroutine.wrap(function()
  for i = 1, 30000 do coroutine.yield(i * i % 1009) end
end)
local acc = 0
for _ = 1, 30000 do acc = (acc * 31 + gen()) % 1000000007 end
print("coroutines", acc)
LUA
}
