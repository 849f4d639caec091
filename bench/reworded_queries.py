"""A check of the matching against demand wording it was never developed on.

The dev queries wrap their subject in a handful of templates; the held-out set that judges the
matching uses other wording. This writes the dev queries' subjects (`core_text`) wrapped in
templates of our own, written apart from the dev ones and never tuned against, so that
`match_eval` can show how much a change of wording costs (`$CSL_MATCH_DIR` holds the corpus):

    .venv/bin/python bench/reworded_queries.py "$CSL_MATCH_DIR/queries-dev.jsonl" reworded.jsonl
    DJANGO_SETTINGS_MODULE=usefirst.settings.test .venv/bin/python manage.py match_eval \\
        --corpus "$CSL_MATCH_DIR/corpus.jsonl" --queries reworded.jsonl --out run-reworded.json
    python3 "$CSL_MATCH_DIR/score.py" run-reworded.json --corpus "$CSL_MATCH_DIR/corpus.jsonl" \\
        --queries reworded.jsonl

A subject that is a phrase (a title) goes into one set of templates, a list of keywords into
another; each query's template follows from its id, so the file is the same on every run.
"""

from __future__ import annotations

import argparse
import json
import zlib
from pathlib import Path

PHRASE_TEMPLATES = (
    "本公司是一家中小型制造企业，目前遇到的难点是{x}，想找高校专家一起攻关，可以先使用后付费。",
    "【技术难题】{x}——欢迎有相关成果的院所与我们联系洽谈。",
    "我们打算在{x}这件事上做技术升级，请推荐合适的科研成果和团队",
    "项目背景：生产线需要{x}方面的支持。合作方式：委托开发或技术许可均可。",
    "急需{x}相关成果落地转化，预算已落实，期待尽快对接！",
)
KEYWORD_TEMPLATES = (
    "关键词：{all}。我方希望引进上述方向的技术，先试用再谈合作。",
    "想了解{first}以及{second}等方面有没有可以直接用的成果{rest}",
    "寻找在{slashed}方向有积累的团队，开展联合研发。",
    "公司新产品开发卡在{first}上，也涉及{others}，请有经验的老师指点。",
)


def reword(query: dict[str, str]) -> str:
    core = query["core_text"].strip()
    pick = zlib.crc32(query["qid"].encode())
    words = core.split()
    if len(words) < 2:
        return PHRASE_TEMPLATES[pick % len(PHRASE_TEMPLATES)].format(x=core)
    template = KEYWORD_TEMPLATES[pick % len(KEYWORD_TEMPLATES)]
    rest = words[2:]
    return template.format(
        all="；".join(words),
        first=words[0],
        second=words[1],
        rest=f"（另涉及{'、'.join(rest)}）" if rest else "",
        slashed="/".join(words),
        others="、".join(words[1:]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queries", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    lines = []
    for line in args.queries.read_text(encoding="utf-8").splitlines():
        if line.strip():
            query = json.loads(line)
            query["text"] = reword(query)
            lines.append(json.dumps(query, ensure_ascii=False))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} queries reworded into {args.out}")


if __name__ == "__main__":
    main()
