#!/usr/bin/env python3
# test/docs/undated.py: README.md and docs/*.md, all but docs/benchmark.md,
# name no commit and no date: a commit hash or a dated timing ("at d260001",
# "took 437 s on 2026-...") is true of one day's tree and goes stale
# unseen; measured runs belong on the benchmark page, which names them.
#
#   a commit: a word of 7 to 40 hex digits, anywhere (code too), that mixes
#     digits and letters a-f, or that git resolves to a commit of this
#     repository (a hash of only digits or only letters: when there is no
#     .git, say in a tarball, only the mixed rule applies).  It cannot
#     flag a SQLSTATE (5 characters), a number such as 2147483647 (no
#     letter, and no commit's name) or a word such as "defaced".
#   a date: bench/run's results folder YYYYMMDD-HHMMSS anywhere, and
#     YYYY-MM-DD in prose (outside code blocks and `code`, where a
#     timestamp is an example value, such as the apps'
#     "2026-12-02T10:08:31.277Z").
#
# Prints "PASS" or "FAIL", a space and the page, one line per page; exits 1
# if a page names one.  test/docs/run runs it.
import glob, re, subprocess, sys

HEX = re.compile(r'\b[0-9a-f]{7,40}\b')
DATE = re.compile(r'\b(?:19|20)\d\d-[01]\d-[0-3]\d\b')
RESULTS = re.compile(r'\b20\d{6}-\d{6}\b')

def is_commit(word):
    if re.search(r'\d', word) and re.search(r'[a-f]', word):
        return True
    return subprocess.run(['git', 'rev-parse', '-q', '--verify', word + '^{commit}'],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

def prose(text):
    text = re.sub(r'^```.*?^```', '', text, flags=re.S | re.M)
    return re.sub(r'`[^`]*`', '', text)

bad = 0
for page in ['README.md'] + sorted(glob.glob('docs/*.md')):
    if page == 'docs/benchmark.md':
        continue
    text = open(page, encoding='utf-8').read()
    found = sorted(set(w for w in HEX.findall(text) if is_commit(w)))
    found += sorted(set(RESULTS.findall(text)) | set(DATE.findall(prose(text))))
    if found:
        print('FAIL %s names no commit and no date: %s' % (page, ', '.join(found))); bad += 1
    else:
        print('PASS %s names no commit and no date' % page)
sys.exit(1 if bad else 0)
