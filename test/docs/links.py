#!/usr/bin/env python3
# test/docs/links.py: every local link in README.md and docs/*.md resolves:
# the file exists and an #anchor names a heading (GitHub's slug) or an
# <a id="..."> in it.  Prints "PASS" or "FAIL", a space and the link, one
# line per link; exits 1 if any is broken.  test/docs/run runs it.
import glob, os, re, sys

def slug(text):
    text = text.strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')

def anchors(path):
    seen, out = {}, set()
    fence = False
    for line in open(path, encoding='utf-8'):
        if line.startswith('```'):
            fence = not fence
            continue
        if fence:
            continue
        m = re.match(r'#{1,6} (.*)', line)
        if m:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            out.add(s if n == 0 else '%s-%d' % (s, n))
        out.update(re.findall(r'<a id="([^"]+)">', line))
    return out

def links(text):
    text = re.sub(r'```.*?```', '', text, flags=re.S)
    for m in re.finditer(r'\]\(([^)\s]+)\)', text):
        yield m.group(1)
    for m in re.finditer(r'<img [^>]*src="([^"]+)"', text):
        yield m.group(1)

bad = 0
for page in ['README.md'] + sorted(glob.glob('docs/*.md')):
    for target in links(open(page, encoding='utf-8').read()):
        if re.match(r'[a-z]+:', target):
            continue
        path, _, anchor = target.partition('#')
        full = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        if not os.path.exists(full):
            print('FAIL link %s -> %s: no such file' % (page, target)); bad += 1
        elif anchor and (not full.endswith('.md') or anchor not in anchors(full)):
            print('FAIL link %s -> %s: no such anchor' % (page, target)); bad += 1
        else:
            print('PASS link %s -> %s' % (page, target))
sys.exit(1 if bad else 0)
