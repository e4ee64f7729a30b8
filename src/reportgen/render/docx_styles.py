"""Styles a report uses: found in (or added to) the base document, with Chinese typography.

Every style the writer uses must exist, whatever the reference document holds,
so a missing one (a reference without "List Number" or "Table Grid") is
created rather than being an error. Fonts: each style gets explicit Latin and
east-Asian fonts — the reference's own where it names one, the configured
ones where it names none or only a theme font — and the document's language
tag, so Word never picks a Japanese face for Chinese text.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement

from reportgen.config import Fonts
from reportgen.render.fonts import LanguageTag

# 小二 (18 pt): a report's title on one line across A4 between Word's Chinese margins
# (415 pt): 催收一组团队2024年第三季度催收工作报告 is about 370 pt at 18 pt, 440 pt at 22 pt
# (二号) and 500 at python-docx's 26 pt, which broke it mid-word (催收工/作总结).
TITLE_HALF_POINTS = 36
# Word's size when no style names one: 10 pt.
DEFAULT_HALF_POINTS = 20

# (name as Word stores it, type, XML inside <w:style> when the base lacks it)
_HEADING_SIZES = {1: 32, 2: 28, 3: 26, 4: 24, 5: 22, 6: 22}  # half-points


def _heading(level: int) -> str:
    return (
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>'
        '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/>'
        f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
        f'<w:rPr><w:b/><w:bCs/><w:sz w:val="{_HEADING_SIZES[level]}"/>'
        f'<w:szCs w:val="{_HEADING_SIZES[level]}"/></w:rPr>'
    )


_STYLE_DEFINITIONS: dict[str, tuple[str, str, str]] = {
    # key: (name in styles.xml, w:type, definition)
    "Normal": ("Normal", "paragraph", "<w:qFormat/>"),
    "Title": (
        "Title",
        "paragraph",
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/></w:pPr>'
        '<w:rPr><w:b/><w:bCs/><w:kern w:val="28"/>'
        f'<w:sz w:val="{TITLE_HALF_POINTS}"/><w:szCs w:val="{TITLE_HALF_POINTS}"/></w:rPr>',
    ),
    **{
        f"Heading {level}": (f"heading {level}", "paragraph", _heading(level))
        for level in _HEADING_SIZES
    },
    "List Bullet": (
        "List Bullet",
        "paragraph",
        '<w:basedOn w:val="Normal"/><w:pPr><w:contextualSpacing/></w:pPr>',
    ),
    "List Number": (
        "List Number",
        "paragraph",
        '<w:basedOn w:val="Normal"/><w:pPr><w:contextualSpacing/></w:pPr>',
    ),
    "Quote": (
        "Quote",
        "paragraph",
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:ind w:left="720" w:right="720"/></w:pPr><w:rPr><w:i/><w:iCs/></w:rPr>',
    ),
    "Header": (
        "header",
        "paragraph",
        '<w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="center" w:pos="4153"/>'
        '<w:tab w:val="right" w:pos="8306"/></w:tabs><w:spacing w:after="0"/></w:pPr>'
        '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>',
    ),
    "Footer": (
        "footer",
        "paragraph",
        '<w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="center" w:pos="4153"/>'
        '<w:tab w:val="right" w:pos="8306"/></w:tabs><w:spacing w:after="0"/></w:pPr>'
        '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>',
    ),
    "TOC Heading": (
        "TOC Heading",
        "paragraph",
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/></w:pPr>'
        '<w:rPr><w:b/><w:bCs/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>',
    ),
    "Hyperlink": (
        "Hyperlink",
        "character",
        '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>',
    ),
    "Table Grid": (
        "Table Grid",
        "table",
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>'
        '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>",
    ),
}
USED_STYLES = tuple(_STYLE_DEFINITIONS)

# Children of w:rPr that follow w:lang, for inserting it in schema order.
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_FONT_SLOTS = ("ascii", "hAnsi", "eastAsia")


@dataclass(frozen=True)
class RunFonts:
    """The fonts a run carries explicitly: Latin (ascii and hAnsi) and east-Asian."""

    ascii: str
    h_ansi: str
    east_asian: str


@dataclass(frozen=True)
class StyleTable:
    """What the writer needs to know about the styles: ids to set and fonts to repeat."""

    ids: dict[str, str]  # key of _STYLE_DEFINITIONS -> w:styleId
    fonts: dict[str, RunFonts]  # key -> resolved fonts of text in that style
    # key -> resolved size of text in that style, in half-points (w:sz); "Table Grid" is the
    # size of a Normal paragraph in a table, which the table style sets if Normal does not.
    sizes: dict[str, int]


def prepare_styles(document: DocumentObject, fonts: Fonts, tag: LanguageTag) -> StyleTable:
    """Make every used style exist and carry explicit fonts and the language tag."""
    styles = document.styles.element
    elements = {key: _find_or_add_style(styles, key) for key in USED_STYLES}
    by_id = {el.get(qn("w:styleId")): el for el in styles.iterchildren(qn("w:style"))}
    defaults_rpr = _doc_defaults_rpr(styles)
    default_fonts = _resolve([defaults_rpr], fonts)
    resolved = {
        key: _resolve([*_style_chain(el, by_id), defaults_rpr], fonts)
        for key, el in elements.items()
    }
    _write_fonts(defaults_rpr, default_fonts)
    _write_lang(defaults_rpr, tag)
    for key, element in elements.items():
        if element.get(qn("w:type")) in ("paragraph", "character", "table"):
            rpr = _get_or_add_style_rpr(element)
            _write_fonts(rpr, resolved[key])
            _write_lang(rpr, tag)
    _set_theme_font_language(document, tag)
    chains = {key: _style_chain(el, by_id) for key, el in elements.items()}
    default_size = _size([defaults_rpr]) or DEFAULT_HALF_POINTS
    sizes = {key: _size(chain) or default_size for key, chain in chains.items()}
    # Word's order in a table: defaults, then the table style, then the paragraph's style.
    sizes["Table Grid"] = _size(chains["Normal"]) or _size(chains["Table Grid"]) or default_size
    return StyleTable(
        ids={key: el.get(qn("w:styleId")) for key, el in elements.items()},
        fonts=resolved,
        sizes=sizes,
    )


def set_title_size(document: DocumentObject) -> None:
    """The built-in base's Title at :data:`TITLE_HALF_POINTS`, so a title fits one line.

    Only for the built-in base (python-docx's Title is 26 pt): a reference document's Title
    is the organisation's choice, and a title too wide for it breaks before its period
    instead (see the Markdown writer).
    """
    styles = document.styles.element
    title = _find_or_add_style(styles, "Title")
    rpr = _get_or_add_style_rpr(title)
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = parse_xml(f"<{tag} {nsdecls('w')}/>")
            # w:sz and w:szCs come after w:kern and before w:highlight, w:u, w:lang...
            insert_before(rpr, element, _AFTER_SIZE if tag == "w:sz" else _AFTER_SIZE[1:])
        element.set(qn("w:val"), str(TITLE_HALF_POINTS))


# Children of w:rPr that follow w:sz / w:szCs, for inserting them in schema order.
_AFTER_SIZE = (
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def _size(chain: list[BaseOxmlElement | None]) -> int | None:
    """The nearest w:sz in a chain of w:rPr, in half-points; None if none sets one."""
    for rpr in chain:
        size = rpr.find(qn("w:sz")) if rpr is not None else None
        if size is not None and (size.get(qn("w:val")) or "").isdigit():
            return int(size.get(qn("w:val")))
    return None


def drop_unused_table_styles(document: DocumentObject) -> None:
    """Remove python-docx's hundred-odd table styles, all but the default and Table Grid.

    They are most of its 350 KB styles.xml, which every report would parse,
    write and compress again; Word still offers them all (they are built in).
    Only for the built-in base: a reference document keeps every style it has.
    """
    styles = document.styles.element
    for element in list(styles.iterchildren(qn("w:style"))):
        if element.get(qn("w:type")) != "table" or element.get(qn("w:default")) == "1":
            continue
        name = element.find(qn("w:name"))
        if name is None or name.get(qn("w:val")) != "Table Grid":
            styles.remove(element)


def _find_or_add_style(styles: BaseOxmlElement, key: str) -> BaseOxmlElement:
    name, style_type, definition = _STYLE_DEFINITIONS[key]
    for element in styles.iterchildren(qn("w:style")):
        if element.get(qn("w:type")) != style_type:
            continue
        name_el = element.find(qn("w:name"))
        if name_el is not None and name_el.get(qn("w:val"), "").lower() == name.lower():
            return element
    style_id = _unused_style_id(styles, key.replace(" ", ""))
    element = parse_xml(
        f'<w:style {nsdecls("w")} w:type="{style_type}" w:customStyle="0" '
        f'w:styleId="{style_id}"><w:name w:val="{name}"/>{definition}</w:style>'
    )
    if key == "Normal":
        element.set(qn("w:default"), "1")
    styles.append(element)
    return element


def _unused_style_id(styles: BaseOxmlElement, wanted: str) -> str:
    taken = {el.get(qn("w:styleId")) for el in styles.iterchildren(qn("w:style"))}
    candidate, counter = wanted, 1
    while candidate in taken:
        counter += 1
        candidate = f"{wanted}{counter}"
    return candidate


def _style_chain(
    element: BaseOxmlElement, by_id: dict[str, BaseOxmlElement]
) -> list[BaseOxmlElement | None]:
    """The w:rPr of a style and of every style it is based on, nearest first."""
    chain: list[BaseOxmlElement | None] = []
    seen: set[str] = set()
    current: BaseOxmlElement | None = element
    while current is not None and current.get(qn("w:styleId")) not in seen:
        seen.add(current.get(qn("w:styleId")))
        chain.append(current.find(qn("w:rPr")))
        based_on = current.find(qn("w:basedOn"))
        current = by_id.get(based_on.get(qn("w:val"))) if based_on is not None else None
    return chain


def _resolve(chain: list[BaseOxmlElement | None], fonts: Fonts) -> RunFonts:
    """Per slot, the nearest explicit font in the chain; a theme font or none: the setting."""
    configured = {"ascii": fonts.latin, "hAnsi": fonts.latin, "eastAsia": fonts.east_asian}
    found: dict[str, str] = {}
    for slot in _FONT_SLOTS:
        for rpr in chain:
            rfonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if rfonts is None:
                continue
            if rfonts.get(qn(f"w:{slot}")):
                found[slot] = rfonts.get(qn(f"w:{slot}"))
                break
            if rfonts.get(qn(f"w:{slot}Theme")):
                break  # theme fonts depend on the machine's language: use the setting
        found.setdefault(slot, configured[slot])
    return RunFonts(ascii=found["ascii"], h_ansi=found["hAnsi"], east_asian=found["eastAsia"])


def _doc_defaults_rpr(styles: BaseOxmlElement) -> BaseOxmlElement:
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}/>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    return rpr


def _get_or_add_style_rpr(style: BaseOxmlElement) -> BaseOxmlElement:
    rpr = style.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        # w:rPr follows w:pPr and precedes w:tblPr and the table-style parts.
        successors = [style.find(qn(t)) for t in ("w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr")]
        successor = next((el for el in successors if el is not None), None)
        if successor is not None:
            successor.addprevious(rpr)
        else:
            style.append(rpr)
    return rpr


def _write_fonts(rpr: BaseOxmlElement, fonts: RunFonts) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(1 if rpr.find(qn("w:rStyle")) is not None else 0, rfonts)
    for slot, value in zip(_FONT_SLOTS, (fonts.ascii, fonts.h_ansi, fonts.east_asian), strict=True):
        rfonts.set(qn(f"w:{slot}"), value)
        rfonts.attrib.pop(qn(f"w:{slot}Theme"), None)


def _write_lang(rpr: BaseOxmlElement, tag: LanguageTag) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        successor = next(
            (rpr.find(qn(t)) for t in _AFTER_LANG if rpr.find(qn(t)) is not None), None
        )
        if successor is not None:
            successor.addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:val"), tag.latin)
    lang.set(qn("w:eastAsia"), tag.east_asian)


# The children of w:settings from w:updateFields on, in the order the schema demands: an
# element is inserted before the first of its successors that is present.
SETTINGS_ORDER = (
    "w:updateFields",
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
)


def settings_successors(tag: str) -> tuple[str, ...]:
    """The w:settings children that must come after ``tag``."""
    return SETTINGS_ORDER[SETTINGS_ORDER.index(tag) + 1 :]


def _set_theme_font_language(document: DocumentObject, tag: LanguageTag) -> None:
    """Theme fonts follow w:themeFontLang; python-docx's template says Japanese."""
    settings = document.settings.element
    element = settings.find(qn("w:themeFontLang"))
    if element is None:
        element = parse_xml(f"<w:themeFontLang {nsdecls('w')}/>")
        insert_before(settings, element, settings_successors("w:themeFontLang"))
    element.set(qn("w:val"), tag.latin)
    element.set(qn("w:eastAsia"), tag.east_asian)


def insert_before(parent: BaseOxmlElement, child: BaseOxmlElement, successors: tuple) -> None:
    """Insert ``child`` before the first of ``successors`` present in ``parent``, else last."""
    for tag in successors:
        prefix, _, local = tag.partition(":")
        if prefix == "sl":
            name = "{http://schemas.openxmlformats.org/schemaLibrary/2006/main}" + local
        else:
            name = qn(tag)
        successor = parent.find(name)
        if successor is not None:
            successor.addprevious(child)
            return
    parent.append(child)
