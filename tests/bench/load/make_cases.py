#!/usr/bin/env python3
"""Opens N cases on a running host (province testprov) and writes "id token" lines."""
import http.client, json, random, sys
from urllib.parse import urlparse

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"

def id_number(rng):
    birth = f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    s = "110105" + birth + f"{rng.randint(0, 999):03d}"
    return s + C[sum(int(a) * w for a, w in zip(s, W)) % 11]

def main():
    url, n, out = urlparse(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    conn = http.client.HTTPConnection(url.hostname, url.port)
    rng, seen, rows = random.Random(42), set(), []
    while len(rows) < n:
        idn = id_number(rng)
        if idn in seen:
            continue
        seen.add(idn)
        sex = "M" if int(idn[16]) % 2 else "F"
        name = "测" + "".join("零一二三四五六七八九"[int(d)] for d in str(len(rows)))
        body = json.dumps({"name": name, "id_number": idn, "sex": sex,
                           "phone": "13800000000", "exam_session": "2026-11"})
        conn.request("POST", "/api/v1/provinces/testprov/cases", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        data = r.read()
        if r.status != 201:
            sys.exit(f"open failed: {r.status} {data[:200]!r}")
        j = json.loads(data)
        rows.append(f"{j['case_id']} {j['token']}")
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")

main()
