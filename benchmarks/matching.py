"""Precision and recall of duplicate matching on labelled pairs of victim records.

Run: `.venv/bin/python benchmarks/matching.py [--verbose]`. Each pair is two records (name,
birth year, origin, identity document, DNA reference) and whether they are one person: true
matches with typos, Chinese and pinyin, swapped family and given names, a changed document;
true non-matches with similar names. Prints precision, recall and the pairs it got wrong.
"""

import argparse
import os

from workflows.matching.keys import Digester, Identity
from workflows.matching.score import Keys, score

SAME, OTHER = True, False
# (name, birth year, origin, document, dna) x 2, and the truth.
PAIRS = [
    # The same person: transliterations, typos, order, estimated ages.
    (("林小梅", 2010, "CN/yunnan", "", ""), ("Lin Xiaomei", 2010, "CN/yunnan", "", ""), SAME),
    (("Lin Xiaomei", 2010, "CN/yunnan", "", ""), ("Xiaomei Lin", 2011, "CN/yunnan", "", ""), SAME),
    (("Lin Xiaomei", 2010, "CN/yunnan", "", ""), ("Lin Xiaomai", 2010, "CN/yunnan", "", ""), SAME),
    (("王芳", 2008, "CN/guizhou", "", ""), ("Wang Fang", 2009, "CN/guizhou", "", ""), SAME),
    (("张伟", 2005, "CN/sichuan", "", ""), ("Zhang Wei", 2005, "CN/sichuan", "", ""), SAME),
    (("Zhang Wei", 2005, "CN/sichuan", "", ""), ("Zang Wei", 2005, "CN/sichuan", "", ""), SAME),
    (("刘丽", 2007, "CN/hunan", "", ""), ("Liu Li", 2007, "CN/hunan", "", ""), SAME),
    (("Liu Li", 2007, "CN/hunan", "", ""), ("Niu Li", 2008, "CN/hunan", "", ""), SAME),
    (("陈静", 2006, "CN/guangxi", "", ""), ("Chen Jing", 2006, "CN/guangxi", "", ""), SAME),
    (("Chen Jing", 2006, "CN/guangxi", "", ""), ("Jing Chen", 2006, "CN/guangxi", "", ""), SAME),
    (("Chen Jing", 2006, "CN/guangxi", "", ""), ("Chen Jin", 2006, "CN/guangxi", "", ""), SAME),
    (("欧阳娜娜", 2009, "CN/jiangxi", "", ""), ("Ouyang Nana", 2009, "CN/jiangxi", "", ""), SAME),
    (("吕丽", 2004, "CN/henan", "", ""), ("Lü Li", 2004, "CN/henan", "", ""), SAME),
    (("吕丽", 2004, "CN/henan", "", ""), ("Lv Li", 2005, "CN/henan", "", ""), SAME),
    (("黄晓燕", 2003, "CN/yunnan", "", ""), ("Huang Xiao-yan", 2003, "CN/yunnan", "", ""), SAME),
    (
        ("Huang Xiaoyan", 2003, "CN/yunnan", "", ""),
        ("Huang Xiaoyang", 2003, "CN/yunnan", "", ""),
        SAME,
    ),
    (("周敏", 2011, "CN/guizhou", "", ""), ("ZHOU Min", 2012, "CN/guizhou", "", ""), SAME),
    (("Nguyen Thi Lan", 2002, "VN/", "", ""), ("Nguyen Thi Lan", 2003, "VN/", "", ""), SAME),
    (("Nguyễn Thị Lan", 2002, "VN/", "", ""), ("Nguyen Thi Lan", 2002, "VN/", "", ""), SAME),
    (("Nguyen Thi Lan", 2002, "VN/", "", ""), ("Thi Lan Nguyen", 2002, "VN/", "", ""), SAME),
    (("Aye Aye Mar", 2001, "MM/", "", ""), ("Aye Aye Marr", 2001, "MM/", "", ""), SAME),
    (
        ("李娜", 2009, "CN/sichuan", "510104200905120027", ""),
        ("Li Na", 2010, "CN/yunnan", "510104 2009 0512 0027", ""),
        SAME,
    ),
    (
        ("赵雪", 2006, "CN/hebei", "", "DNA-2024-0117"),
        ("Zhao Xue", 2009, "CN/hebei", "", "dna20240117"),
        SAME,
    ),
    (
        ("Mei Ling", 2008, "CN/fujian", "E12345678", ""),
        ("Xiaohong", 2008, "CN/fujian", "e12345678", ""),
        SAME,
    ),
    (("杨秀英", 2000, "CN/guangxi", "", ""), ("Yang Xiuying", 2001, "CN/guangxi", "", ""), SAME),
    (
        ("Yang Xiuying", 2000, "CN/guangxi", "", ""),
        ("Yang Xiuyin", 2000, "CN/guangxi", "", ""),
        SAME,
    ),
    (("孙丽华", 2007, "CN/anhui", "", ""), ("Sun Lihua", 2007, "CN/anhui", "", ""), SAME),
    (("Sun Lihua", 2007, "CN/anhui", "", ""), ("Shun Lihua", 2007, "CN/anhui", "", ""), SAME),
    # Different people with similar names.
    (("林小梅", 2010, "CN/yunnan", "", ""), ("Lin Xiaomei", 1995, "CN/yunnan", "", ""), OTHER),
    (("Lin Xiaomei", 2010, "CN/yunnan", "", ""), ("Lin Xiaoli", 2010, "CN/guizhou", "", ""), OTHER),
    (
        ("Lin Xiaomei", 2010, "CN/yunnan", "", ""),
        ("Liang Xiaomei", 2004, "CN/yunnan", "", ""),
        OTHER,
    ),
    (("王芳", 2008, "CN/guizhou", "", ""), ("Wang Fei", 2008, "CN/sichuan", "", ""), OTHER),
    (("张伟", 2005, "CN/sichuan", "", ""), ("Zhang Wen", 2012, "CN/sichuan", "", ""), OTHER),
    (("刘丽", 2007, "CN/hunan", "", ""), ("Liu Lin", 2001, "CN/hunan", "", ""), OTHER),
    (("陈静", 2006, "CN/guangxi", "", ""), ("Chen Ying", 2006, "CN/guangxi", "", ""), OTHER),
    (("Chen Jing", 2006, "CN/guangxi", "", ""), ("Cheng Jing", 2000, "CN/hubei", "", ""), OTHER),
    (("欧阳娜娜", 2009, "CN/jiangxi", "", ""), ("Ouyang Li", 2009, "CN/jiangxi", "", ""), OTHER),
    (("吕丽", 2004, "CN/henan", "", ""), ("Lu Lei", 2010, "CN/henan", "", ""), OTHER),
    (("黄晓燕", 2003, "CN/yunnan", "", ""), ("Huang Xiaoyu", 2008, "CN/yunnan", "", ""), OTHER),
    (("周敏", 2011, "CN/guizhou", "", ""), ("Zhou Ming", 2003, "CN/hunan", "", ""), OTHER),
    (("Nguyen Thi Lan", 2002, "VN/", "", ""), ("Nguyen Thi Hoa", 2002, "VN/", "", ""), OTHER),
    (("Nguyen Thi Lan", 2002, "VN/", "", ""), ("Nguyen Van Lam", 1990, "VN/", "", ""), OTHER),
    (("Aye Aye Mar", 2001, "MM/", "", ""), ("Aye Aye Myint", 2001, "MM/", "", ""), OTHER),
    (
        ("李娜", 2009, "CN/sichuan", "510104200905120027", ""),
        ("Li Na", 2009, "CN/sichuan", "510104200905120035", ""),
        OTHER,
    ),
    (
        ("赵雪", 2006, "CN/hebei", "", "DNA-2024-0117"),
        ("Zhao Xue", 2014, "CN/shanxi", "", "DNA-2024-0118"),
        OTHER,
    ),
    (("杨秀英", 2000, "CN/guangxi", "", ""), ("Yang Xiuzhen", 1998, "CN/guangxi", "", ""), OTHER),
    (("孙丽华", 2007, "CN/anhui", "", ""), ("Sun Lijuan", 2007, "CN/jiangsu", "", ""), OTHER),
    (
        ("Mei Ling", 2008, "CN/fujian", "E12345678", ""),
        ("Mei Lan", 2008, "CN/fujian", "E87654321", ""),
        OTHER,
    ),
    (("马丽", 2010, "CN/gansu", "", ""), ("Ma Li", 2010, "CN/qinghai", "", ""), OTHER),
    (("Xiaohong", 2008, "CN/fujian", "", ""), ("Xiaoling", 2008, "CN/fujian", "", ""), OTHER),
]


def identity(record) -> Identity:
    """A record of the table as the matcher sees it."""
    name, year, origin, document, dna = record
    return Identity(
        name=name,
        documents={document} if document else set(),
        dna={dna} if dna else set(),
        birth_years={year} if year else set(),
        origin=origin,
    )


def evaluate(verbose=False) -> tuple[float, float]:
    """(precision, recall) of `score` on PAIRS, printing the wrong answers if asked."""
    digester = Digester(os.urandom(32))
    found = {True: 0, False: 0}
    missed = 0
    for left, right, truth in PAIRS:
        result = score(Keys.of(digester, identity(left)), Keys.of(digester, identity(right)))
        if result.is_match:
            found[truth] += 1
        elif truth:
            missed += 1
        if verbose and result.is_match != truth:
            print(f"  wrong ({'same' if truth else 'other'}): {left[0]} / {right[0]}: {result}")
    precision = found[True] / max(found[True] + found[False], 1)
    recall = found[True] / max(found[True] + missed, 1)
    return precision, recall


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    same = sum(truth for *_, truth in PAIRS)
    print(f"pairs: {len(PAIRS)} ({same} same person, {len(PAIRS) - same} different)")
    precision, recall = evaluate(args.verbose)
    print(f"precision: {precision:.3f}")
    print(f"recall: {recall:.3f}")


if __name__ == "__main__":
    main()
