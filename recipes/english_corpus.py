"""Assemble the English text the `skip_gram_en` checkpoint is trained on.

    apt-get install dict-gcide dict-wn dict-foldoc dict-jargon dict-devil
    python recipes/english_corpus.py --out english.txt
    python recipes/english_corpus.py --databases gcide --out gcide_ewt.txt

Writes one paragraph per line, lowercased, tokenized into words
(letters with inner apostrophes, or digit runs); punctuation is dropped.
The sources, all real English text that installs offline:

- The dictd databases of Debian's dictionary packages, every entry but
  the `00-database-*` headers (read through each database's index):
  GCIDE (`dict-gcide`: Webster's 1913 + supplements, GPL; without its
  pronunciation keys `\\Ab*di"cate\\`, bracketed etymologies and source
  tags), WordNet 3.0 glosses and synonym sets (`dict-wn`), FOLDOC, the
  free on-line dictionary of computing (`dict-foldoc`), the Jargon File
  (`dict-jargon`) and Bierce's The Devil's Dictionary (`dict-devil`).
- UD English EWT train+dev (`../shared/data/ud-en-ewt`, CC BY-SA 4.0):
  the FORM column, one sentence per line.
"""

import argparse
import gzip
import re
from pathlib import Path

from zoo.data.conllu_reader import read_conllu

DICTD = Path("/usr/share/dictd")
DATABASES = ("gcide", "wn", "foldoc", "jargon", "devil")
EWT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ud-en-ewt"
EWT_FILES = ("en_ewt-ud-train.conllu", "en_ewt-ud-dev.conllu")
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")
PRONUNCIATION = re.compile(r"\\[^\\\n]*\\")
BRACKETS = re.compile(r"\[[^\]]*\]")
CITATION = re.compile(r"--\s*[A-Z][\w.&' ]*\.?")
CROSS_REFERENCE = re.compile(r"\[(?:syn|ant|also|see):")


def words_of(text):
    return WORD.findall(text.lower())


def decode(data):
    """The dictd files are UTF-8 but for a few Windows-1252 bytes (curly quotes)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def dictd_number(text):
    """dictd's index numbers are base 64 (A=0 ... /=63), most significant first."""
    value = 0
    for digit in text:
        value = value * 64 + BASE64.index(digit)
    return value


def dictd_entries(name, folder=DICTD):
    """Yield the text of every entry of a dictd database, in file order."""
    with gzip.open(folder / f"{name}.dict.dz", "rb") as file:
        data = file.read()
    spans = set()
    with open(folder / f"{name}.index", encoding="utf-8", errors="replace") as index:
        for line in index:
            headword, offset, length = line.rstrip("\n").split("\t")[:3]
            if not headword.startswith(("00-", "00database")):
                spans.add((dictd_number(offset), dictd_number(length)))
    for offset, length in sorted(spans):
        yield decode(data[offset : offset + length])


def dictd_paragraphs(name, folder=DICTD):
    for entry in dictd_entries(name, folder):
        if name == "gcide":
            entry = PRONUNCIATION.sub(" ", entry)
            entry = BRACKETS.sub(" ", entry)
            entry = CITATION.sub(" ", entry)
        entry = CROSS_REFERENCE.sub(" ", entry)
        yield from re.split(r"\n\s*\n", entry)


def ewt_sentences(folder=EWT):
    for name in EWT_FILES:
        for sentence in read_conllu(Path(folder) / name):
            yield " ".join(sentence.tokens)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the text file to write")
    parser.add_argument("--dictd", default=str(DICTD), help="folder of the dictd databases")
    parser.add_argument("--ewt", default=str(EWT), help="folder of the UD EWT .conllu")
    parser.add_argument(
        "--databases", default=",".join(DATABASES),
        help=f"comma-separated dictd databases to read, default {','.join(DATABASES)}",
    )
    args = parser.parse_args(argv)
    databases = [name for name in args.databases.split(",") if name]
    for name in databases:
        if not (Path(args.dictd) / f"{name}.dict.dz").exists():
            parser.error(
                f"no {name}.dict.dz in {args.dictd}: apt-get install dict-{name}, "
                "or leave it out of --databases"
            )
    sources = [dictd_paragraphs(name, Path(args.dictd)) for name in databases]
    sources.append(ewt_sentences(args.ewt))
    lines = words = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for source in sources:
            for text in source:
                tokens = words_of(text)
                if tokens:
                    out.write(" ".join(tokens) + "\n")
                    lines += 1
                    words += len(tokens)
    print(f"{args.out}: {lines:,} lines, {words:,} words")


if __name__ == "__main__":
    main()
