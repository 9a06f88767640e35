"""Command-line flags generated from a recipe's config dataclass."""

import argparse
import dataclasses
import difflib


class OptionError(ValueError):
    """A recipe option whose value cannot be used: one line, exit status 2.

    A `ValueError`, so code that catches bad values catches it too.

    Example:

    >>> try:
    ...     raise OptionError("--precision must be one of float32, mixed_bfloat16")
    ... except ValueError as error:
    ...     print(f"error: {error}")
    error: --precision must be one of float32, mixed_bfloat16
    """


def option(default, help, flag=None):
    """A config field with its default, its `--help` text and optionally its flag.

    Example:

    >>> @dataclasses.dataclass
    ... class Config:
    ...     units: int = option(64, "RNN units")
    ...     from_checkpoint: str = option("", "start from this checkpoint", flag="--from")
    >>> parse_config(Config, ["--units", "8", "--from", "tagger"])
    Config(units=8, from_checkpoint='tagger')
    """
    return dataclasses.field(default=default, metadata={"help": help, "flag": flag})


def field_default(field):
    if field.default is dataclasses.MISSING and field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def flag_of(field):
    """The command-line flag of a config field: `metadata["flag"]` or `--field-name`.

    Example:

    >>> @dataclasses.dataclass
    ... class Config:
    ...     num_layers: int = option(1, "RNN layers")
    ...     from_checkpoint: str = option("", "start from this checkpoint", flag="--from")
    >>> [flag_of(field) for field in dataclasses.fields(Config)]
    ['--num-layers', '--from']
    """
    return field.metadata.get("flag") or "--" + field.name.replace("_", "-")


def build_parser(config_cls, description=None):
    """An ArgumentParser with one `--field-name` flag per dataclass field.

    The flag's type is the field's type (bools become `--x/--no-x`), its
    default the field's default, its help the field's `metadata["help"]`,
    and its name `metadata["flag"]` where a field sets one (`--from` for
    the field `from_checkpoint`: `from` is a Python keyword). `--set
    name=value` (repeatable) sets any field by its name as well.
    """
    parser = argparse.ArgumentParser(
        description=description or config_cls.__doc__,
        epilog="Any option can also be given as --set name=value (field names: "
        "the flags without -- and with _ for -).",
    )
    for field in dataclasses.fields(config_cls):
        flag = flag_of(field)
        default = field_default(field)
        help_text = field.metadata.get("help", "")
        help_text = f"{help_text} (default: {default})".strip()
        if isinstance(default, bool):
            parser.add_argument(
                flag,
                dest=field.name,
                default=default,
                action=argparse.BooleanOptionalAction,
                help=help_text,
            )
        else:
            parser.add_argument(
                flag, dest=field.name, default=default, type=type(default), help=help_text
            )
    parser.add_argument(
        "--set",
        dest="_overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a config field by name, e.g. --set units=256 (repeatable)",
    )
    return parser


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def convert_option(field, text):
    """`text` as the type of `field`'s default.

    Raises:
        OptionError: `text` is not a value of that type; the message names
            the field, the type and the value.
    """
    kind = type(field_default(field))
    if kind is bool:
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
    else:
        try:
            return kind(text)
        except ValueError:
            pass
    raise OptionError(
        f"--set {field.name}={text}: {field.name} takes {'a' if kind is not int else 'an'} "
        f"{kind.__name__}" + (" (true or false)" if kind is bool else "") + f", not {text!r}"
    )


def apply_overrides(config_cls, values, overrides):
    """Apply `--set name=value` strings to the parsed `values` dict, in order."""
    fields = {field.name: field for field in dataclasses.fields(config_cls)}
    for override in overrides:
        name, equals, text = override.partition("=")
        name = name.strip().replace("-", "_")
        if not equals or not name:
            raise OptionError(f"--set takes name=value, got {override!r}")
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise OptionError(
                f"--set {override}: {config_cls.__name__} has no field {name!r}{hint}; "
                f"its fields: {', '.join(fields)}"
            )
        values[name] = convert_option(fields[name], text)
    return values


_UNSET = object()


def parse_config(config_cls, argv=None, description=None):
    """Parse `argv` (default `sys.argv[1:]`) into a `config_cls` instance.

    A malformed flag value exits with status 2 and argparse's message
    (which names the flag); a bad `--set` does the same with a message
    that names the field and its type.

    A field set on the command line (by its flag or `--set`) is listed in
    the config's `given_options` attribute (a frozenset of field names), so
    a recipe can tell an option given with its default value from one left
    out.
    """
    parser = build_parser(config_cls, description)
    fields = dataclasses.fields(config_cls)
    # Parsed with every default unset, so what is set was given; the
    # defaults fill the rest afterwards.
    parser.set_defaults(**{field.name: _UNSET for field in fields})
    values = vars(parser.parse_args(argv))
    overrides = values.pop("_overrides")
    given = {name for name, value in values.items() if value is not _UNSET}
    try:
        apply_overrides(config_cls, values, overrides)
    except OptionError as error:
        parser.error(str(error))
    given |= {override.partition("=")[0].strip().replace("-", "_") for override in overrides}
    for field in fields:
        if values[field.name] is _UNSET:
            values[field.name] = field_default(field)
    config = config_cls(**values)
    # A plain attribute, not a field: not in the config's dict nor its card.
    config.given_options = frozenset(given)
    return config


def format_config(config):
    """The config as aligned `name = value` lines, for the start of a run."""
    fields = dataclasses.asdict(config)
    width = max(len(name) for name in fields)
    return "\n".join(f"  {name:<{width}} = {value!r}" for name, value in fields.items())
