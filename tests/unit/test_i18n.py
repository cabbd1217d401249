"""The string table: every key in both languages, with the same placeholders."""

import string

import pytest

from threec_helpers.i18n import catalog, fmt_int, fmt_money, fmt_num, fmt_pct, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_and_same_placeholders():
    cat = catalog()
    assert cat, "no strings loaded"
    mismatched = [k for k, v in cat.items() if _fields(v["zh"]) != _fields(v["en"])]
    assert not mismatched, f"placeholders differ between zh and en: {mismatched}"


def test_translate_and_missing_key():
    assert t("common.yes", "zh") == "是"
    with pytest.raises(KeyError, match="no translation"):
        t("no.such.key", "en")
    with pytest.raises(ValueError):
        t("common.yes", "fr")


def test_number_formats_match_the_seed():
    # ISO 9001 briefing in the seed: utilisation 92.42% = 47,213 / 51,084
    assert fmt_pct(47213 / 51084) == "92.42%"
    assert fmt_int(51084) == "51,084"
    assert fmt_num(81.3) == "81.3"
    assert fmt_money(-1234.5) == "-¥1,234"  # round half to even: 1234.5 -> 1,234
    assert fmt_pct(float("nan")) == "–"


def test_no_locale_key_is_defined_twice():
    """A key written twice in a locale file silently keeps the last one (a merge once left the
    chart source notes with table code names that way); every key is defined once."""
    from pathlib import Path

    import yaml

    import threec_helpers

    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        keys = [loader.construct_object(k) for k, _ in node.value]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        assert not dup, f"{node.start_mark.name}: {dup}"
        return loader.construct_mapping(node)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    seen: dict[str, str] = {}
    for path in sorted((Path(threec_helpers.__file__).parent / "locale").glob("*.yaml")):
        for key in yaml.load(path.read_text(encoding="utf-8"), Loader=Strict) or {}:
            assert key not in seen, f"{key} in {path.name} and {seen[key]}"
            seen[key] = path.name
