//! The report as PDF, drawn with printpdf's operations (the only module that knows
//! printpdf and lopdf): our own small layout — wrapped paragraphs, tables that break
//! across pages with their header repeated, a contents page with page numbers, headers
//! and footers ("page N of M", the model fingerprint) — and the dataflow diagram as
//! vectors. DejaVu Sans is embedded (subset), so any Latin, Greek or Cyrillic text a user
//! types renders and can be searched; characters the font lacks are reported.
//!
//! Reproducible: fonts are registered under fixed ids, dates come from the report's
//! timestamp, and the trailer's random `/ID` is replaced by a hash of the content.

use super::config::Section;
use super::content::{Report, control_order};
use super::diagram::{Diagram, Shape};
use super::html::severity_rgb;
use super::method;
use crate::model::RiskLevel;
use crate::model::threat::stride_words;
use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};
use std::collections::{BTreeSet, HashMap};

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const A4_W: f32 = 595.28;
const A4_H: f32 = 841.89;
const MARGIN_X: f32 = 48.0;
const MARGIN_TOP: f32 = 62.0;
const MARGIN_BOTTOM: f32 = 58.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;

/// What the PDF writer noticed (characters the embedded font cannot show).
#[derive(Debug, Default)]
pub struct Warnings {
    pub missing_glyphs: BTreeSet<char>,
}

struct Face {
    id: FontId,
    font: ParsedFont,
    units: f32,
    widths: HashMap<char, f32>,
}

impl Face {
    fn load(bytes: &[u8], id: &str) -> Face {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(bytes, 0, &mut warnings).expect("the embedded DejaVu font parses");
        let units = font.font_metrics.units_per_em as f32;
        Face { id: FontId(id.to_owned()), font, units, widths: HashMap::new() }
    }

    /// Advance of `c` in ems, or `None` when the font has no glyph for it.
    fn advance(&mut self, c: char) -> Option<f32> {
        if let Some(w) = self.widths.get(&c) {
            return Some(*w);
        }
        let gid = self.font.lookup_glyph_index(c as u32)?;
        let w = self.font.get_horizontal_advance(gid) as f32 / self.units;
        self.widths.insert(c, w);
        Some(w)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

struct Page {
    w: f32,
    h: f32,
    ops: Vec<Op>,
    /// Pages without header and footer (the title page).
    bare: bool,
    /// The open text object, if any: consecutive lines share one, so a long report
    /// holds two operations per line rather than six.
    text: Option<TextState>,
    /// The graphics state set so far on this page (no save/restore: set only on change).
    fill: Option<(u8, u8, u8)>,
    stroke_color: Option<(u8, u8, u8)>,
    stroke_width: Option<f32>,
    dash: Vec<f32>,
}

/// What the open text object has set: font and size, and the start of the last line
/// (text positions are relative to it inside one text object).
struct TextState {
    font: Option<(bool, f32)>,
    line: (f32, f32),
    /// The leading (`TL`) set, for lines that follow each other at the same x.
    leading: Option<f32>,
}

fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb { r: r as f32 / 255.0, g: g as f32 / 255.0, b: b as f32 / 255.0, icc_profile: None })
}

fn pt(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

const INK: (u8, u8, u8) = (29, 35, 48);
const MUTED: (u8, u8, u8) = (91, 100, 117);
const ACCENT: (u8, u8, u8) = (43, 74, 122);
const RULE: (u8, u8, u8) = (201, 207, 218);
const FLAG: (u8, u8, u8) = (150, 20, 30);

/// The layout engine: a cursor over pages.
struct Writer {
    regular: Face,
    bold: Face,
    pages: Vec<Page>,
    /// The page drawn on (the last one, but for the contents page and decorations).
    current: usize,
    /// Distance of the cursor from the top of the current page.
    y: f32,
    /// Section headings and the page (index) each starts on.
    headings: Vec<(String, usize)>,
    warnings: Warnings,
}

/// One cell of a table: text, weight and colour.
#[derive(Clone)]
struct Cell {
    text: String,
    weight: Weight,
    color: (u8, u8, u8),
}

fn cell(s: impl Into<String>) -> Cell {
    Cell { text: s.into(), weight: Weight::Regular, color: INK }
}

fn sev_cell(s: RiskLevel) -> Cell {
    Cell { text: s.as_str().to_owned(), weight: Weight::Bold, color: severity_rgb(s) }
}

fn flag_cell(s: impl Into<String>) -> Cell {
    Cell { text: s.into(), weight: Weight::Bold, color: FLAG }
}

impl Writer {
    fn new() -> Writer {
        Writer {
            regular: Face::load(REGULAR_TTF, "TWDJVR"),
            bold: Face::load(BOLD_TTF, "TWDJVB"),
            pages: Vec::new(),
            current: 0,
            y: 0.0,
            headings: Vec::new(),
            warnings: Warnings::default(),
        }
    }

    fn face(&mut self, w: Weight) -> &mut Face {
        match w {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        }
    }

    /// Text as the font can show it: characters without a glyph become U+FFFD (and are
    /// reported), control characters become spaces.
    fn printable(&mut self, s: &str, w: Weight) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            let c = if c.is_control() { ' ' } else { c };
            if self.face(w).advance(c).is_some() {
                out.push(c);
            } else {
                self.warnings.missing_glyphs.insert(c);
                out.push('\u{FFFD}');
            }
        }
        out
    }

    fn width(&mut self, s: &str, w: Weight, size: f32) -> f32 {
        let face = self.face(w);
        s.chars().map(|c| face.advance(c).unwrap_or(0.6)).sum::<f32>() * size
    }

    /// Greedy line breaking at spaces; words wider than the line are cut.
    fn wrap(&mut self, s: &str, w: Weight, size: f32, width: f32) -> Vec<String> {
        let s = self.printable(s, w);
        let mut lines = Vec::new();
        for para in s.split('\n') {
            let mut line = String::new();
            for word in para.split(' ').filter(|x| !x.is_empty()) {
                let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
                if self.width(&candidate, w, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width(word, w, size) <= width {
                    line = word.to_owned();
                } else {
                    // Cut the word into pieces that fit.
                    let mut piece = String::new();
                    for c in word.chars() {
                        piece.push(c);
                        if self.width(&piece, w, size) > width && piece.chars().count() > 1 {
                            piece.pop();
                            lines.push(std::mem::take(&mut piece));
                            piece.push(c);
                        }
                    }
                    line = piece;
                }
            }
            lines.push(line);
        }
        lines
    }

    fn page(&mut self) -> &mut Page {
        &mut self.pages[self.current]
    }

    fn new_page(&mut self) {
        self.push_page(A4_W, A4_H);
    }

    fn push_page(&mut self, w: f32, h: f32) {
        self.pages.push(Page {
            w,
            h,
            ops: Vec::new(),
            bare: false,
            text: None,
            fill: None,
            stroke_color: None,
            stroke_width: None,
            dash: Vec::new(),
        });
        self.current = self.pages.len() - 1;
        self.y = MARGIN_TOP;
    }

    fn content_width(&self) -> f32 {
        A4_W - 2.0 * MARGIN_X
    }

    /// Starts a new page unless `height` more fits on this one.
    fn ensure(&mut self, height: f32) {
        let h = self.pages.get(self.current).map_or(A4_H, |p| p.h);
        if self.pages.is_empty() || self.y + height > h - MARGIN_BOTTOM {
            self.new_page();
        }
    }

    /// Draws one line of text with its baseline at `top + size` from the page top.
    fn text_at(&mut self, x: f32, top: f32, s: &str, w: Weight, size: f32, color: (u8, u8, u8)) {
        let s = self.printable(s, w);
        let id = self.face(w).id.clone();
        self.fill_color(color);
        let page = &mut self.pages[self.current];
        let (x, y) = (x, page.h - top - size * 0.85);
        if page.text.is_none() {
            page.ops.push(Op::StartTextSection);
            page.text = Some(TextState { font: None, line: (0.0, 0.0), leading: None });
        }
        let state = page.text.as_mut().expect("opened above");
        let font = (w == Weight::Bold, size);
        if state.font != Some(font) {
            page.ops.push(Op::SetFont { font: PdfFontHandle::External(id), size: Pt(size) });
            state.font = Some(font);
        }
        // The next line of a paragraph or cell: `'` (next line, show) with the leading,
        // one operation instead of a move and a show.
        let (dx, dy) = (x - state.line.0, state.line.1 - y);
        if dx.abs() < 0.01 && dy > 0.0 && state.font.is_some() {
            if state.leading.is_none_or(|l| (l - dy).abs() >= 0.01) {
                page.ops.push(Op::SetLineHeight { lh: Pt(dy) });
                state.leading = Some(dy);
            }
            state.line = (x, y);
            page.ops.push(Op::MoveToNextLineShowText { text: s });
            return;
        }
        page.ops.push(Op::SetTextCursor { pos: pt(dx, y - state.line.1) });
        state.line = (x, y);
        page.ops.push(Op::ShowText { items: vec![TextItem::Text(s)] });
    }

    /// Ends the open text object of the current page (before any drawing).
    fn close_text(&mut self) {
        let page = &mut self.pages[self.current];
        if page.text.take().is_some() {
            page.ops.push(Op::EndTextSection);
        }
    }

    fn paragraph(&mut self, s: &str, w: Weight, size: f32, color: (u8, u8, u8), indent: f32) {
        let width = self.content_width() - indent;
        let lines = self.wrap(s, w, size, width);
        let lh = size * 1.35;
        for line in lines {
            self.ensure(lh);
            let y = self.y;
            self.text_at(MARGIN_X + indent, y, &line, w, size, color);
            self.y += lh;
        }
        self.y += size * 0.4;
    }

    fn body(&mut self, s: &str) {
        self.paragraph(s, Weight::Regular, BODY, INK, 0.0);
    }

    fn muted(&mut self, s: &str) {
        self.paragraph(s, Weight::Regular, SMALL + 0.5, MUTED, 0.0);
    }

    /// A section heading: starts a page, recorded for the contents and the outline.
    fn section(&mut self, s: Section) {
        self.new_page();
        self.headings.push((s.heading().to_owned(), self.pages.len() - 1));
        let y = self.y;
        self.text_at(MARGIN_X, y, s.heading(), Weight::Bold, 17.0, ACCENT);
        self.y += 24.0;
        self.rule(ACCENT, 1.2);
        self.y += 10.0;
    }

    fn subheading(&mut self, s: &str) {
        self.ensure(40.0);
        self.y += 6.0;
        let lines = self.wrap(s, Weight::Bold, 11.0, self.content_width());
        for l in lines {
            let y = self.y;
            self.text_at(MARGIN_X, y, &l, Weight::Bold, 11.0, INK);
            self.y += 14.0;
        }
        self.y += 3.0;
    }

    fn rule(&mut self, color: (u8, u8, u8), thickness: f32) {
        let (x0, x1, y) = (MARGIN_X, A4_W - MARGIN_X, self.y);
        self.line(&[(x0, y), (x1, y)], color, thickness, None);
    }

    /// Sets the fill colour unless it is already set (the page remembers its state, so
    /// a long report does not repeat it for every line and rule).
    fn fill_color(&mut self, c: (u8, u8, u8)) {
        let page = &mut self.pages[self.current];
        if page.fill != Some(c) {
            page.ops.push(Op::SetFillColor { col: rgb(c.0, c.1, c.2) });
            page.fill = Some(c);
        }
    }

    /// Sets the stroke colour, width and dash pattern, unless already set.
    fn stroke_style(&mut self, c: (u8, u8, u8), thickness: f32, dash: Option<&[f32]>) {
        let page = &mut self.pages[self.current];
        if page.stroke_color != Some(c) {
            page.ops.push(Op::SetOutlineColor { col: rgb(c.0, c.1, c.2) });
            page.stroke_color = Some(c);
        }
        if page.stroke_width != Some(thickness) {
            page.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
            page.stroke_width = Some(thickness);
        }
        let dash: Vec<f32> = dash.map(<[f32]>::to_vec).unwrap_or_default();
        if page.dash != dash {
            page.ops.push(Op::SetLineDashPattern { dash: LineDashPattern::new(0.0, &dash) });
            page.dash = dash;
        }
    }

    fn paint_mode(fill: bool, stroke: bool) -> PaintMode {
        match (fill, stroke) {
            (true, true) => PaintMode::FillStroke,
            (true, false) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        }
    }

    /// A polyline in top-down page coordinates.
    fn line(&mut self, points: &[(f32, f32)], color: (u8, u8, u8), thickness: f32, dash: Option<&[f32]>) {
        self.close_text();
        self.stroke_style(color, thickness, dash);
        let h = self.page().h;
        self.page().ops.push(Op::DrawLine {
            line: Line {
                points: points.iter().map(|(x, y)| LinePoint { p: pt(*x, h - y), bezier: false }).collect(),
                is_closed: false,
            },
        });
    }

    /// A filled (and optionally stroked) rectangle in top-down page coordinates.
    fn rect(
        &mut self,
        x: f32,
        top: f32,
        w: f32,
        hgt: f32,
        fill: Option<(u8, u8, u8)>,
        stroke: Option<((u8, u8, u8), f32)>,
    ) {
        self.close_text();
        if let Some(f) = fill {
            self.fill_color(f);
        }
        if let Some((s, t)) = stroke {
            self.stroke_style(s, t, None);
        }
        let h = self.page().h;
        let mode = Self::paint_mode(fill.is_some(), stroke.is_some());
        self.page().ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(h - top - hgt),
                width: Pt(w),
                height: Pt(hgt),
                mode: Some(mode),
                winding_order: None,
            },
        });
    }

    fn polygon(
        &mut self,
        points: &[(f32, f32, bool)],
        fill: Option<(u8, u8, u8)>,
        stroke: Option<((u8, u8, u8), f32)>,
    ) {
        self.close_text();
        if let Some(f) = fill {
            self.fill_color(f);
        }
        if let Some((s, t)) = stroke {
            self.stroke_style(s, t, None);
        }
        let h = self.page().h;
        let mode = Self::paint_mode(fill.is_some(), stroke.is_some());
        self.page().ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: points.iter().map(|(x, y, b)| LinePoint { p: pt(*x, h - y), bezier: *b }).collect(),
                }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// A table: header cells, relative column widths, rows. Cells wrap; rows that do not
    /// fit start a new page, where the header is drawn again.
    fn table(&mut self, header: &[&str], widths: &[f32], rows: &[Vec<Cell>]) {
        let size = SMALL;
        let lh = size * 1.3;
        let pad = 3.0;
        // Column widths: a header never breaks inside a word; cells' longest words are
        // kept whole when the line allows it; what is left is shared by the given weights.
        let full = self.content_width();
        let mut hard: Vec<f32> = vec![0.0; widths.len()];
        for (i, h) in header.iter().enumerate() {
            for word in h.split(' ') {
                hard[i] = hard[i].max(self.width(word, Weight::Bold, size) + 2.0 * pad + 1.0);
            }
        }
        let mut soft = hard.clone();
        for row in rows {
            for (i, c) in row.iter().enumerate().take(widths.len()) {
                for word in c.text.split([' ', '\n']) {
                    let wd = (self.width(word, c.weight, size) + 2.0 * pad + 1.0).min(full * 0.25);
                    soft[i] = soft[i].max(wd);
                }
            }
        }
        // Widths follow the weights; a column narrower than it needs (its header's words,
        // or its short tokens: references, levels, dates) is widened, taking the space
        // from the columns with room to spare.
        let need: Vec<f32> = soft.iter().zip(&hard).map(|(s, h)| if *s <= full * 0.17 { *s } else { *h }).collect();
        let total: f32 = widths.iter().sum();
        let mut cw: Vec<f32> = widths.iter().map(|w| w / total * full).collect();
        let deficit: f32 = cw.iter().zip(&need).map(|(c, n)| (n - c).max(0.0)).sum();
        let slack: f32 = cw.iter().zip(&need).map(|(c, n)| (c - n).max(0.0)).sum();
        if deficit > 0.0 && slack > 0.0 {
            let take = (deficit / slack).min(1.0);
            for (c, n) in cw.iter_mut().zip(&need) {
                if *c < *n {
                    *c = *n;
                } else {
                    *c -= (*c - n) * take;
                }
            }
        }
        let header_cells: Vec<Cell> =
            header.iter().map(|h| Cell { text: (*h).to_owned(), weight: Weight::Bold, color: INK }).collect();
        let layout = |me: &mut Writer, cells: &[Cell]| -> (Vec<Vec<String>>, f32) {
            let wrapped: Vec<Vec<String>> =
                cells.iter().zip(&cw).map(|(c, w)| me.wrap(&c.text, c.weight, size, w - 2.0 * pad)).collect();
            let n = wrapped.iter().map(|l| l.len()).max().unwrap_or(1).max(1);
            (wrapped, n as f32 * lh + 2.0 * pad)
        };
        let draw = |me: &mut Writer, cells: &[Cell], wrapped: &[Vec<String>], height: f32, head: bool| {
            let top = me.y;
            if head {
                let w = me.content_width();
                me.rect(MARGIN_X, top, w, height, Some((232, 237, 245)), None);
            }
            let mut x = MARGIN_X;
            for ((c, lines), w) in cells.iter().zip(wrapped).zip(&cw) {
                for (i, l) in lines.iter().enumerate() {
                    me.text_at(x + pad, top + pad + i as f32 * lh, l, c.weight, size, c.color);
                }
                x += w;
            }
            me.y += height;
            me.rule(RULE, 0.5);
        };
        let (hw, hh) = layout(self, &header_cells);
        let header_row = |me: &mut Writer| {
            draw(me, &header_cells, &hw, hh, true);
        };
        self.ensure(hh + 3.0 * lh);
        header_row(self);
        for row in rows {
            let (wrapped, height) = layout(self, row);
            let limit = self.pages[self.current].h - MARGIN_BOTTOM;
            if self.y + height > limit {
                self.new_page();
                header_row(self);
            }
            // A row taller than a page is drawn in pieces of whole lines.
            if height > limit - MARGIN_TOP - hh {
                let per_page = (((limit - MARGIN_TOP - hh) - 2.0 * pad) / lh).floor().max(1.0) as usize;
                let longest = wrapped.iter().map(|l| l.len()).max().unwrap_or(1);
                let mut start = 0;
                while start < longest {
                    let part: Vec<Vec<String>> =
                        wrapped.iter().map(|l| l.iter().skip(start).take(per_page).cloned().collect()).collect();
                    let n = part.iter().map(|l| l.len()).max().unwrap_or(1).max(1);
                    let height = n as f32 * lh + 2.0 * pad;
                    if self.y + height > limit {
                        self.new_page();
                        header_row(self);
                    }
                    draw(self, row, &part, height, false);
                    start += per_page;
                }
                continue;
            }
            draw(self, row, &wrapped, height, false);
        }
        self.y += 8.0;
    }

    /// Label: value lines.
    fn facts(&mut self, facts: &[(&str, String)]) {
        let label_w = 120.0;
        for (k, v) in facts {
            let lines = self.wrap(v, Weight::Regular, BODY, self.content_width() - label_w);
            let lh = BODY * 1.35;
            self.ensure(lh);
            let y = self.y;
            self.text_at(MARGIN_X, y, k, Weight::Bold, BODY, MUTED);
            for l in lines {
                self.ensure(lh);
                let y = self.y;
                self.text_at(MARGIN_X + label_w, y, &l, Weight::Regular, BODY, INK);
                self.y += lh;
            }
        }
        self.y += 4.0;
    }
}

/// Renders the report. `diagram` is drawn in the diagram section.
pub fn render(r: &Report, diagram: Option<&Diagram>) -> (Vec<u8>, Warnings) {
    let mut w = Writer::new();
    if r.has(Section::Title) {
        title_page(&mut w, r);
    }
    // The contents page is reserved now and filled once the page numbers are known.
    let contents_at = if r.has(Section::Contents) {
        w.new_page();
        Some(w.pages.len() - 1)
    } else {
        None
    };
    for s in &r.sections {
        match s {
            Section::Title | Section::Contents => {}
            Section::Summary => summary(&mut w, r),
            Section::Diagram => diagram_section(&mut w, r, diagram),
            Section::Inventory => inventory(&mut w, r),
            Section::Register => register(&mut w, r),
            Section::Questions => questions(&mut w, r),
            Section::Details => details(&mut w, r),
            Section::Decisions => decisions(&mut w, r),
            Section::Mitigations => plan(&mut w, r),
            Section::Compliance => compliance(&mut w, r),
            Section::Changes => changes(&mut w, r),
            Section::Method => method_section(&mut w, r),
        }
    }
    if w.pages.is_empty() {
        w.new_page();
    }
    if let Some(i) = contents_at {
        contents(&mut w, i);
    }
    decorate(&mut w, r);
    let bytes = save(w.pages, &w.headings, r, w.regular.font.clone(), w.bold.font.clone());
    (bytes, w.warnings)
}

fn title_page(w: &mut Writer, r: &Report) {
    let f = &r.front;
    w.new_page();
    w.page().bare = true;
    w.y = 150.0;
    if let Some(org) = &f.organisation {
        w.paragraph(org, Weight::Bold, 12.0, MUTED, 0.0);
        w.y += 6.0;
    }
    w.paragraph(&f.title, Weight::Bold, 26.0, ACCENT, 0.0);
    w.y += 4.0;
    w.rule(ACCENT, 2.0);
    w.y += 16.0;
    let mut facts = vec![("System", f.system.clone())];
    if let Some(v) = &f.system_version {
        facts.push(("Version", v.clone()));
    }
    if let Some(b) = f.baseline {
        facts.push((
            "Baseline",
            format!(
                "{b}{}",
                if r.evidence.matches_baseline { " (this report is of the baseline)" } else { " (changed since)" }
            ),
        ));
    }
    facts.push(("Date", f.date.clone().unwrap_or_else(|| "undated".into())));
    if !f.authors.is_empty() {
        facts.push(("Authors", f.authors.join(", ")));
    }
    if !f.reviewers.is_empty() {
        facts.push(("Reviewers", f.reviewers.join(", ")));
    }
    facts.push(("Source", f.source.clone()));
    w.facts(&facts);
    if let Some(d) = &f.description {
        w.y += 8.0;
        w.body(d);
    }
    if let Some(label) = &f.confidentiality {
        w.y += 20.0;
        let lines = w.wrap(label, Weight::Bold, 12.0, w.content_width() - 20.0);
        let h = lines.len() as f32 * 16.0 + 14.0;
        let top = w.y;
        let width = w.content_width();
        w.rect(MARGIN_X, top, width, h, None, Some((FLAG, 1.5)));
        for (i, l) in lines.iter().enumerate() {
            w.text_at(MARGIN_X + 10.0, top + 7.0 + i as f32 * 16.0, l, Weight::Bold, 12.0, FLAG);
        }
        w.y += h;
    }
    let y = A4_H - 90.0;
    w.text_at(MARGIN_X, y, "Model fingerprint (SHA-256)", Weight::Bold, SMALL, MUTED);
    let fp = r.evidence.fingerprint.clone();
    w.text_at(MARGIN_X, y + 11.0, &fp, Weight::Regular, SMALL, INK);
    let generated = format!("Generated by {} · rules {}", r.evidence.generator, r.evidence.rules_version);
    w.text_at(MARGIN_X, y + 24.0, &generated, Weight::Regular, SMALL, MUTED);
}

fn contents(w: &mut Writer, at: usize) {
    w.current = at;
    w.y = MARGIN_TOP;
    let yh = w.y;
    w.text_at(MARGIN_X, yh, "Contents", Weight::Bold, 17.0, ACCENT);
    w.y += 24.0;
    w.rule(ACCENT, 1.2);
    w.y += 12.0;
    let headings = w.headings.clone();
    for (title, page) in &headings {
        let y = w.y;
        w.text_at(MARGIN_X, y, title, Weight::Regular, 11.0, INK);
        let n = format!("{}", page + 1);
        let nw = w.width(&n, Weight::Regular, 11.0);
        w.text_at(A4_W - MARGIN_X - nw, y, &n, Weight::Regular, 11.0, INK);
        let tw = w.width(title, Weight::Regular, 11.0);
        let dots_from = MARGIN_X + tw + 6.0;
        let dots_to = A4_W - MARGIN_X - nw - 6.0;
        if dots_to > dots_from {
            w.line(&[(dots_from, y + 10.0), (dots_to, y + 10.0)], RULE, 0.6, Some(&[1.0, 2.5]));
        }
        w.y += 20.0;
    }
    w.current = w.pages.len() - 1;
}

/// Headers and footers on every page but the title page.
fn decorate(w: &mut Writer, r: &Report) {
    let n = w.pages.len();
    let title = r.front.title.clone();
    let label = r.front.confidentiality.clone().unwrap_or_default();
    let fp = format!("Model fingerprint {}", r.evidence.fingerprint);
    let label_w = w.width(&label, Weight::Bold, SMALL);
    let mut short = w.printable(&title, Weight::Regular);
    while !short.is_empty() && w.width(&short, Weight::Regular, SMALL) > A4_W - 2.0 * MARGIN_X - label_w - 20.0 {
        short.pop();
    }
    for i in 0..n {
        if w.pages[i].bare {
            continue;
        }
        w.current = i;
        let (pw, ph) = (w.pages[i].w, w.pages[i].h);
        w.text_at(MARGIN_X, 28.0, &short, Weight::Regular, SMALL, MUTED);
        if !label.is_empty() {
            w.text_at(pw - MARGIN_X - label_w, 28.0, &label, Weight::Bold, SMALL, FLAG);
        }
        w.line(&[(MARGIN_X, 40.0), (pw - MARGIN_X, 40.0)], RULE, 0.5, None);
        w.line(&[(MARGIN_X, ph - 40.0), (pw - MARGIN_X, ph - 40.0)], RULE, 0.5, None);
        w.text_at(MARGIN_X, ph - 34.0, &fp, Weight::Regular, 6.5, MUTED);
        let num = format!("page {} of {n}", i + 1);
        let nw = w.width(&num, Weight::Regular, SMALL);
        w.text_at(pw - MARGIN_X - nw, ph - 34.0, &num, Weight::Regular, SMALL, MUTED);
    }
    w.current = n - 1;
}

fn summary(w: &mut Writer, r: &Report) {
    let s = &r.summary;
    w.section(Section::Summary);
    w.body(&format!(
        "{} live threats: {} critical, {} high, {} medium, {} low. {} are unhandled (open, mitigation planned, or accepted past expiry); {} accepted, of which {} expired; {} transferred; {} obsolete (no longer found, kept for the record). {} attack paths lead from untrusted parties to sensitive data.",
        s.live,
        s.by_severity["critical"],
        s.by_severity["high"],
        s.by_severity["medium"],
        s.by_severity["low"],
        s.unhandled,
        s.accepted,
        s.expired_acceptances,
        s.by_status.get("transferred").copied().unwrap_or(0),
        s.obsolete,
        s.attack_paths
    ));
    let m = &s.matrix;
    let mut header: Vec<&str> = vec!["severity"];
    header.extend(m.statuses.iter().map(|x| x.as_str()));
    header.push("total");
    let mut widths = vec![1.2f32];
    widths.extend(m.statuses.iter().map(|_| 1.0f32));
    widths.push(0.8);
    let rows: Vec<Vec<Cell>> = m
        .severities
        .iter()
        .enumerate()
        .map(|(i, sv)| {
            let mut row = vec![sev_cell(*sv)];
            row.extend(m.cells[i].iter().map(|n| cell(n.to_string())));
            row.push(cell(m.cells[i].iter().sum::<usize>().to_string()));
            row
        })
        .collect();
    w.table(&header, &widths, &rows);
    chart(w, r);
    if !s.top_risks.is_empty() {
        w.subheading("Top risks");
        let rows: Vec<Vec<Cell>> = s
            .top_risks
            .iter()
            .filter_map(|reference| r.register.iter().find(|t| &t.reference == reference))
            .map(|t| {
                vec![
                    cell(&t.reference),
                    sev_cell(t.severity),
                    cell(&t.title),
                    cell(&t.target),
                    if t.expired { flag_cell("accepted (expired)") } else { cell(t.status.as_str()) },
                ]
            })
            .collect();
        w.table(&["ref", "severity", "threat", "target", "status"], &[0.9, 0.9, 4.0, 1.6, 1.3], &rows);
    }
    if !s.past_due.is_empty() {
        w.subheading("Past due");
        let rows: Vec<Vec<Cell>> = s
            .past_due
            .iter()
            .map(|p| vec![cell(&p.reference), cell(&p.title), flag_cell(&p.what), cell(&p.date)])
            .collect();
        w.table(&["ref", "item", "what", "date"], &[0.8, 4.0, 1.5, 1.0], &rows);
    }
}

/// Severity × status as stacked bars, drawn as vectors.
fn chart(w: &mut Writer, r: &Report) {
    let m = &r.summary.matrix;
    let height = 150.0;
    w.ensure(height + 40.0);
    let top = w.y + 10.0;
    let left = MARGIN_X + 30.0;
    let plot_w = w.content_width() - 40.0;
    let max = (0..m.statuses.len()).map(|c| m.cells.iter().map(|row| row[c]).sum::<usize>()).max().unwrap_or(0).max(1);
    let bw = plot_w / m.statuses.len() as f32;
    let base = top + height;
    w.line(&[(left - 4.0, base), (left + plot_w, base)], MUTED, 0.8, None);
    for (c, st) in m.statuses.iter().enumerate() {
        let x = left + c as f32 * bw + 10.0;
        let mut y = base;
        for (row, sv) in m.severities.iter().enumerate().rev() {
            let n = m.cells[row][c];
            if n == 0 {
                continue;
            }
            let bh = n as f32 / max as f32 * (height - 14.0);
            y -= bh;
            w.rect(x, y, bw - 20.0, bh, Some(severity_rgb(*sv)), None);
        }
        let total: usize = m.cells.iter().map(|row| row[c]).sum();
        let t = total.to_string();
        let tw = w.width(&t, Weight::Bold, SMALL);
        w.text_at(x + (bw - 20.0 - tw) / 2.0, y - 11.0, &t, Weight::Bold, SMALL, INK);
        let label = st.as_str();
        let lw = w.width(label, Weight::Regular, 6.5);
        w.text_at(x + (bw - 20.0 - lw) / 2.0, base + 4.0, label, Weight::Regular, 6.5, INK);
    }
    // Legend.
    let mut x = left;
    for sv in m.severities.iter() {
        w.rect(x, base + 18.0, 8.0, 8.0, Some(severity_rgb(*sv)), None);
        w.text_at(x + 11.0, base + 17.0, sv.as_str(), Weight::Regular, SMALL, INK);
        x += 70.0;
    }
    w.y = base + 40.0;
}

fn diagram_section(w: &mut Writer, r: &Report, d: Option<&Diagram>) {
    w.section(Section::Diagram);
    if let Some(desc) = &r.front.description {
        w.body(desc);
    }
    let Some(d) = d else {
        w.body("The model has no elements to draw.");
        return;
    };
    if d.overview {
        w.muted("The model has too many elements to draw one by one: each box is a trust zone (or a group of zones of the same kind) with its elements and live threats counted, and arrows count the flows between them. The inventory lists every element.");
    } else if d.auto_layout {
        w.muted("The model stores no diagram positions, so the diagram was laid out automatically (layered, left to right).");
    }
    w.muted("Legend: rectangles are external entities, rounded boxes processes, open-ended boxes data stores; dashed red frames are trust boundaries; the badge on an element gives its number of live threats, coloured by the worst severity.");
    // The diagram gets its own landscape page, A3 when A4 would make it too small.
    let (pw, ph) = {
        let a4 = ((A4_H - 2.0 * MARGIN_X) / d.width as f32).min((A4_W - MARGIN_TOP - MARGIN_BOTTOM) / d.height as f32);
        if a4 >= 0.55 { (A4_H, A4_W) } else { (1190.55, 841.89) }
    };
    w.push_page(pw, ph);
    let avail_w = pw - 2.0 * MARGIN_X;
    let avail_h = ph - MARGIN_TOP - MARGIN_BOTTOM;
    let scale = (avail_w / d.width as f32).min(avail_h / d.height as f32).min(1.4);
    let ox = MARGIN_X + (avail_w - d.width as f32 * scale) / 2.0;
    let oy = MARGIN_TOP;
    let map = |x: f64, y: f64| (ox + x as f32 * scale, oy + y as f32 * scale);
    let font = (8.0 * scale).clamp(4.5, 9.0);
    for b in &d.boundaries {
        let (x, y) = map(b.rect.x, b.rect.y);
        let (bw, bh) = (b.rect.w as f32 * scale, b.rect.h as f32 * scale);
        w.line(&[(x, y), (x + bw, y), (x + bw, y + bh), (x, y + bh), (x, y)], (179, 38, 30), 0.9, Some(&[5.0, 3.0]));
        let name = fit(w, &b.name, Weight::Regular, font * 0.9, bw - 6.0);
        w.text_at(x + 3.0, y + 2.0, &name, Weight::Regular, font * 0.9, (179, 38, 30));
    }
    for e in &d.edges {
        let pts: Vec<(f32, f32)> = e.points.iter().map(|p| map(p.0, p.1)).collect();
        w.line(&pts, (60, 60, 60), 0.7, None);
        arrowhead(w, pts[pts.len() - 2], pts[pts.len() - 1], scale);
        if e.bidirectional {
            arrowhead(w, pts[1], pts[0], scale);
        }
    }
    // Flow labels on a white ground over the lines, under the elements (which stay readable).
    for e in &d.edges {
        let (x, y) = map(e.label_at.0, e.label_at.1);
        let size = font * 0.85;
        let label = fit(w, &e.label, Weight::Regular, size, 110.0 * scale.max(0.6));
        let lw = w.width(&label, Weight::Regular, size);
        w.rect(x - lw / 2.0 - 1.5, y - size * 0.6, lw + 3.0, size * 1.2, Some((255, 255, 255)), None);
        w.text_at(x - lw / 2.0, y - size * 0.6, &label, Weight::Regular, size, (60, 60, 60));
    }
    for n in &d.nodes {
        let (x, y) = map(n.rect.x, n.rect.y);
        let (nw, nh) = (n.rect.w as f32 * scale, n.rect.h as f32 * scale);
        match n.shape {
            Shape::Entity => w.rect(x, y, nw, nh, Some((238, 242, 248)), Some(((43, 74, 122), 0.9))),
            Shape::Process | Shape::Group => rounded(w, x, y, nw, nh, (10.0 * scale).min(nh / 3.0)),
            Shape::Store => {
                w.rect(x, y, nw, nh, Some((251, 246, 234)), None);
                w.line(&[(x, y), (x + nw, y)], (122, 90, 18), 0.9, None);
                w.line(&[(x, y + nh), (x + nw, y + nh)], (122, 90, 18), 0.9, None);
            }
        }
        let lines = w.wrap(&n.name, Weight::Regular, font, nw - 6.0);
        let lines: Vec<String> = lines.into_iter().take(3).collect();
        let lh = font * 1.2;
        let start = y + (nh - lines.len() as f32 * lh) / 2.0;
        for (i, l) in lines.iter().enumerate() {
            let lw = w.width(l, Weight::Regular, font);
            w.text_at(x + (nw - lw) / 2.0, start + i as f32 * lh, l, Weight::Regular, font, INK);
        }
        if let Some(worst) = n.worst {
            let r0 = (7.0 * scale).clamp(5.0, 8.0);
            badge(w, x + nw - 2.0, y + 1.0, r0, severity_rgb(worst), &n.threats.to_string());
        }
    }
    w.y = ph - MARGIN_BOTTOM;
}

/// `s` cut with an ellipsis to fit `width`.
fn fit(w: &mut Writer, s: &str, weight: Weight, size: f32, width: f32) -> String {
    let s = w.printable(s, weight);
    if w.width(&s, weight, size) <= width {
        return s;
    }
    let mut out: String = s;
    while !out.is_empty() && w.width(&format!("{out}…"), weight, size) > width {
        out.pop();
    }
    format!("{out}…")
}

fn arrowhead(w: &mut Writer, from: (f32, f32), to: (f32, f32), scale: f32) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    let size = (7.0 * scale).clamp(4.0, 8.0);
    let back = (to.0 - ux * size, to.1 - uy * size);
    let (px, py) = (-uy * size * 0.45, ux * size * 0.45);
    w.polygon(
        &[(to.0, to.1, false), (back.0 + px, back.1 + py, false), (back.0 - px, back.1 - py, false)],
        Some((60, 60, 60)),
        None,
    );
}

/// A rounded rectangle (quarter circles as Bézier curves, k = 0.5523).
fn rounded(w: &mut Writer, x: f32, y: f32, width: f32, h: f32, r: f32) {
    let k = 0.5523 * r;
    let pts = [
        (x + r, y, false),
        (x + width - r, y, false),
        (x + width - r + k, y, true),
        (x + width, y + r - k, true),
        (x + width, y + r, false),
        (x + width, y + h - r, false),
        (x + width, y + h - r + k, true),
        (x + width - r + k, y + h, true),
        (x + width - r, y + h, false),
        (x + r, y + h, false),
        (x + r - k, y + h, true),
        (x, y + h - r + k, true),
        (x, y + h - r, false),
        (x, y + r, false),
        (x, y + r - k, true),
        (x + r - k, y, true),
        (x + r, y, false),
    ];
    w.polygon(&pts, Some((244, 248, 238)), Some(((61, 107, 42), 0.9)));
}

/// A filled circle with a number in it.
fn badge(w: &mut Writer, cx: f32, cy: f32, r: f32, color: (u8, u8, u8), text: &str) {
    let k = 0.5523 * r;
    let pts = [
        (cx + r, cy, false),
        (cx + r, cy + k, true),
        (cx + k, cy + r, true),
        (cx, cy + r, false),
        (cx - k, cy + r, true),
        (cx - r, cy + k, true),
        (cx - r, cy, false),
        (cx - r, cy - k, true),
        (cx - k, cy - r, true),
        (cx, cy - r, false),
        (cx + k, cy - r, true),
        (cx + r, cy - k, true),
        (cx + r, cy, false),
    ];
    w.polygon(&pts, Some(color), None);
    let size = r * 1.1;
    let tw = w.width(text, Weight::Bold, size);
    w.text_at(cx - tw / 2.0, cy - size * 0.55, text, Weight::Bold, size, (255, 255, 255));
}

fn inventory(w: &mut Writer, r: &Report) {
    let inv = &r.inventory;
    w.section(Section::Inventory);
    let c = &inv.counts;
    w.body(&format!(
        "{} elements ({} external entities, {} processes, {} data stores), {} flows, {} trust boundaries, {} data assets, {} APIs.",
        c.elements, c.external_entities, c.processes, c.data_stores, c.flows, c.boundaries, c.data_assets, c.apis
    ));
    w.subheading("Elements by trust boundary");
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    fn walk(rows: &mut Vec<Vec<Cell>>, b: &crate::summary::BoundaryNode, depth: usize) {
        let indent = "    ".repeat(depth);
        rows.push(vec![
            Cell { text: format!("{indent}{}", b.name), weight: Weight::Bold, color: INK },
            cell("boundary"),
            cell(b.key.as_str()),
            cell(&b.detail),
        ]);
        for e in &b.elements {
            rows.push(vec![
                cell(format!("{indent}    {}", e.name)),
                cell(e.kind),
                cell(e.key.as_str()),
                cell(&e.detail),
            ]);
        }
        for c in &b.children {
            walk(rows, c, depth + 1);
        }
    }
    for b in &inv.boundaries {
        walk(&mut rows, b, 0);
    }
    if !inv.outside.is_empty() {
        rows.push(vec![
            Cell { text: "Outside any boundary".into(), weight: Weight::Bold, color: INK },
            cell(""),
            cell(""),
            cell(""),
        ]);
        for e in &inv.outside {
            rows.push(vec![cell(format!("    {}", e.name)), cell(e.kind), cell(e.key.as_str()), cell(&e.detail)]);
        }
    }
    w.table(&["name", "kind", "key", "key facts"], &[3.0, 1.3, 2.2, 3.0], &rows);
    if !inv.apis.is_empty() {
        w.subheading("API inventory");
        let rows: Vec<Vec<Cell>> =
            inv.apis.iter().map(|a| vec![cell(&a.name), cell(a.key.as_str()), cell(&a.detail)]).collect();
        w.table(&["API", "key", "facts"], &[2.0, 1.6, 4.0], &rows);
    }
    if !r.assets.is_empty() {
        w.subheading("Data assets and where they flow");
        let rows: Vec<Vec<Cell>> = r
            .assets
            .iter()
            .map(|a| {
                vec![
                    cell(&a.name),
                    cell(a.classification.clone().unwrap_or_else(|| "—".into())),
                    cell(a.categories.join(", ")),
                    cell(a.flows.join(", ")),
                    cell(a.stores.join(", ")),
                ]
            })
            .collect();
        w.table(
            &["asset", "classification", "categories", "carried by flows", "stored in"],
            &[1.6, 1.1, 1.3, 3.0, 1.8],
            &rows,
        );
    }
}

fn status_cell(t: &super::content::Row) -> Cell {
    if t.expired { flag_cell("accepted (expired)") } else { cell(t.status.as_str()) }
}

fn register(w: &mut Writer, r: &Report) {
    w.section(Section::Register);
    if r.min_severity > RiskLevel::Low {
        w.muted(&format!("Threats at or above {} (report setting).", r.min_severity.as_str()));
    }
    if r.register.is_empty() {
        w.body("No threats.");
        return;
    }
    let rows: Vec<Vec<Cell>> = r
        .register
        .iter()
        .map(|t| {
            vec![
                Cell { text: t.reference.clone(), weight: Weight::Bold, color: INK },
                cell(&t.title),
                cell(&t.target),
                cell(t.stride.as_str()),
                cell(t.owasp_api.join(" ")),
                cell(format!("{}×{}", t.likelihood, t.impact)),
                sev_cell(t.severity),
                status_cell(t),
                cell(t.mitigations.join(" ")),
            ]
        })
        .collect();
    w.table(
        &["ref", "threat", "target", "STRIDE", "OWASP API", "L×I", "severity", "status", "mitigations"],
        &[1.1, 3.2, 2.2, 1.45, 1.25, 0.55, 1.05, 1.4, 1.1],
        &rows,
    );
}

/// Above this many threats, the PDF shows in full only the threats someone decided on;
/// the others are grouped by rule (see `details`).
pub const FULL_DETAILS_LIMIT: usize = 300;

/// Whether a threat carries anything beyond what its rule says: a decision, a linked
/// mitigation, a sign-off or history.
fn decided(d: &super::content::Detail) -> bool {
    d.row.status != crate::model::ThreatStatus::Open
        || !d.mitigations.is_empty()
        || !d.signoffs.is_empty()
        || !d.history.is_empty()
        || d.row.rule.is_none()
}

fn details(w: &mut Writer, r: &Report) {
    w.section(Section::Details);
    if r.details.len() <= FULL_DETAILS_LIMIT {
        for d in &r.details {
            detail_block(w, d);
        }
    } else {
        // A register this large is read by rule, not threat by threat: every threat that
        // carries a decision is shown in full, the others grouped under their rule with
        // one example description (the HTML and JSON reports keep every text).
        let (full, grouped): (Vec<_>, Vec<_>) = r.details.iter().partition(|d| decided(d));
        w.muted(&format!(
            "{} threats. The {} with a decision, a mitigation, a sign-off or history are shown in full; the other {} are grouped by the rule that found them, with the rule's description shown once for an example target. The HTML and JSON reports give every threat in full.",
            r.details.len(),
            full.len(),
            grouped.len()
        ));
        for d in &full {
            detail_block(w, d);
        }
        let mut by_rule: std::collections::BTreeMap<&str, Vec<&super::content::Detail>> = Default::default();
        for d in &grouped {
            by_rule.entry(d.row.rule.as_deref().unwrap_or("")).or_default().push(d);
        }
        let mut rules: Vec<(&str, Vec<&super::content::Detail>)> = by_rule.into_iter().collect();
        rules.sort_by(|a, b| b.1[0].row.severity.cmp(&a.1[0].row.severity).then(a.0.cmp(b.0)));
        for (rule, ds) in rules {
            let first = ds[0];
            w.ensure(120.0);
            w.rule(RULE, 0.6);
            w.y += 6.0;
            w.paragraph(&format!("{rule} — {} threats", ds.len()), Weight::Bold, 10.5, INK, 0.0);
            w.muted(&format!("For example, {}: {}", first.row.reference, first.row.title));
            w.body(first.description.trim());
            if !first.suggested.is_empty() {
                w.muted(&format!("Suggested: {}", first.suggested.join("; ")));
            }
            let rows: Vec<Vec<Cell>> = ds
                .iter()
                .map(|d| {
                    vec![
                        cell(&d.row.reference),
                        cell(&d.row.target),
                        cell(format!("{}×{}", d.row.likelihood, d.row.impact)),
                        sev_cell(d.row.severity),
                        cell(d.row.status.as_str()),
                        cell(d.attack_path.join(" → ")),
                    ]
                })
                .collect();
            w.table(
                &["ref", "target", "L×I", "severity", "status", "attack path"],
                &[0.9, 2.6, 0.5, 0.9, 0.8, 3.2],
                &rows,
            );
        }
    }
    if r.details.is_empty() {
        w.body("No threats.");
    }
}

fn detail_block(w: &mut Writer, d: &super::content::Detail) {
    {
        let t = &d.row;
        w.ensure(90.0);
        w.rule(RULE, 0.6);
        w.y += 6.0;
        w.paragraph(&format!("{} — {}", t.reference, t.title), Weight::Bold, 10.5, INK, 0.0);
        let y = w.y;
        let sev = t.severity.as_str().to_owned();
        w.text_at(MARGIN_X, y, &sev, Weight::Bold, BODY, severity_rgb(t.severity));
        let sw = w.width(&sev, Weight::Bold, BODY);
        let status = if t.expired { "accepted (expired)".to_owned() } else { t.status.as_str().to_owned() };
        let line = format!(
            " · likelihood {} × impact {} · STRIDE {} · {} {} ({}) · status {}",
            t.likelihood,
            t.impact,
            stride_words(t.stride, &t.also_stride),
            t.target_kind,
            t.target,
            t.target_key,
            status
        );
        let rest = fit(w, &line, Weight::Regular, BODY, w.content_width() - sw);
        w.text_at(MARGIN_X + sw, y, &rest, Weight::Regular, BODY, INK);
        w.y += BODY * 1.6;
        w.body(d.description.trim());
        if !d.rationale.is_empty() {
            w.muted(&format!("Ranking: {}", d.rationale.join("; ")));
        }
        if !d.attack_path.is_empty() {
            w.body(&format!("Attack path: {}", d.attack_path.join(" → ")));
            if let Some(c) = &d.weakest_control {
                w.body(&format!("Weakest control: {c}"));
            }
        }
        let mut facts: Vec<(&str, String)> = d.response.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        for m in &d.mitigations {
            facts.push((
                "mitigation",
                format!(
                    "{} {} — {}; owner {}; ticket {}; due {}{}",
                    m.reference,
                    m.title,
                    m.status.as_str(),
                    m.owner.as_deref().unwrap_or("—"),
                    m.ticket.as_deref().unwrap_or("—"),
                    m.due.as_deref().unwrap_or("—"),
                    if m.overdue { " (overdue)" } else { "" }
                ),
            ));
        }
        if d.mitigations.is_empty() {
            facts.push(("mitigations", "none linked".into()));
        }
        if !d.suggested.is_empty() {
            facts.push(("suggested", d.suggested.join("; ")));
        }
        for s in &d.signoffs {
            facts.push((
                "signed off",
                format!(
                    "{} at {}{}",
                    s.reviewer,
                    s.at,
                    if s.holds { "" } else { " — no longer holds (changed since)" }
                ),
            ));
        }
        let refs: Vec<String> = t.owasp_api.iter().chain(d.cwe.iter()).chain(d.capec.iter()).cloned().collect();
        if !refs.is_empty() {
            facts.push(("references", refs.join(", ")));
        }
        w.facts(&facts);
        if !d.history.is_empty() {
            let lines: Vec<String> =
                d.history.iter().map(|h| format!("#{} {} {}: {}", h.seq, h.at, h.who, h.summary)).collect();
            w.muted(&format!("History: {}", lines.join(" · ")));
        }
        w.y += 4.0;
    }
}

fn questions(w: &mut Writer, r: &Report) {
    w.section(Section::Questions);
    w.body(super::content::QUESTIONS_INTRO);
    let rows: Vec<Vec<Cell>> = r
        .questions
        .iter()
        .map(|q| vec![sev_cell(q.severity_if_not), cell(&q.target.name), cell(&q.ask), cell(q.answers.join(", "))])
        .collect();
    w.table(&["if not", "about", "question", "answered by"], &[0.9, 2.0, 5.0, 1.8], &rows);
}

fn decisions(w: &mut Writer, r: &Report) {
    w.section(Section::Decisions);
    if r.decisions.is_empty() {
        w.body("No risk has been accepted or transferred.");
        return;
    }
    let rows: Vec<Vec<Cell>> = r
        .decisions
        .iter()
        .map(|d| {
            let who = d.approver.clone().or_else(|| d.transferred_to.clone()).unwrap_or_else(|| "—".into());
            let expires = match (&d.expires, d.expired) {
                (Some(e), true) => flag_cell(format!("{e} EXPIRED")),
                (Some(e), false) => cell(e),
                (None, _) => cell("—"),
            };
            vec![
                cell(&d.reference),
                cell(&d.title),
                sev_cell(d.severity),
                cell(d.status.as_str()),
                cell(who),
                cell(d.reason.clone().unwrap_or_else(|| "—".into())),
                expires,
            ]
        })
        .collect();
    w.table(
        &["ref", "threat", "severity", "decision", "approver / to", "reason", "expires"],
        &[0.9, 3.0, 0.9, 1.2, 1.3, 2.2, 1.1],
        &rows,
    );
}

fn plan(w: &mut Writer, r: &Report) {
    w.section(Section::Mitigations);
    if r.plan.is_empty() {
        w.body("No mitigations recorded yet.");
        return;
    }
    let rows: Vec<Vec<Cell>> = r
        .plan
        .iter()
        .map(|m| {
            let threats = if m.orphan {
                flag_cell("none live (orphan)")
            } else {
                cell(m.threats.iter().map(|(t, s, _)| format!("{t} ({})", s.as_str())).collect::<Vec<_>>().join(", "))
            };
            let due = match (&m.due, m.overdue) {
                (Some(d), true) => flag_cell(format!("{d} overdue")),
                (Some(d), false) => cell(d),
                (None, _) => cell("—"),
            };
            vec![
                cell(&m.reference),
                cell(&m.title),
                cell(m.status.as_str()),
                cell(m.owner.clone().unwrap_or_else(|| "—".into())),
                cell(m.ticket.clone().unwrap_or_else(|| "—".into())),
                due,
                threats,
            ]
        })
        .collect();
    w.table(
        &["ref", "mitigation", "status", "owner", "ticket", "due", "threats covered"],
        &[0.9, 3.0, 1.1, 1.3, 1.2, 1.1, 2.4],
        &rows,
    );
}

fn compliance(w: &mut Writer, r: &Report) {
    w.section(Section::Compliance);
    w.muted("Controls named by the rules behind the register's threats, per framework, with the threats and mitigations behind each. A control listed here is touched by the threat model; this is not a statement of compliance.");
    for fw in &r.compliance {
        w.subheading(&fw.name);
        if fw.controls.is_empty() {
            w.body("No control touched.");
            continue;
        }
        let mut controls = fw.controls.clone();
        controls.sort_by(|a, b| control_order(&a.control, &b.control));
        let rows: Vec<Vec<Cell>> = controls
            .iter()
            .map(|c| {
                vec![
                    cell(match &c.title {
                        Some(t) => format!("{} {t}", c.control),
                        None => c.control.clone(),
                    }),
                    cell(c.threats.join(", ")),
                    sev_cell(c.worst),
                    if c.unhandled > 0 { flag_cell(c.unhandled.to_string()) } else { cell("0") },
                    cell(c.mitigations.join(", ")),
                ]
            })
            .collect();
        w.table(&["control", "threats", "worst", "unhandled", "mitigations"], &[2.2, 3.8, 0.9, 1.1, 1.6], &rows);
    }
}

fn changes(w: &mut Writer, r: &Report) {
    w.section(Section::Changes);
    let Some(c) = &r.changes else {
        w.body("No baseline: the model has not been signed off yet, so there is nothing to compare with. Sign it off with `threatwright review sign FILE --reviewer NAME`.");
        return;
    };
    w.body(&format!("Compared with baseline {}, signed off by {} at {}.", c.baseline, c.reviewer, c.baseline_at));
    if c.is_empty() {
        w.body("Nothing changed since.");
        return;
    }
    w.body(&c.verdict);
    for (title, lines) in c.lists() {
        w.subheading(title);
        let rows: Vec<Vec<Cell>> = lines.into_iter().map(|l| vec![cell(l)]).collect();
        w.table(&["what changed"], &[7.0], &rows);
    }
    if !c.threats.is_empty() {
        w.subheading("Threats");
        let rows: Vec<Vec<Cell>> = c
            .threats
            .iter()
            .map(|t| vec![cell(&t.reference), cell(&t.kind), cell(&t.title), cell(&t.detail)])
            .collect();
        w.table(&["threat", "change", "title", "detail"], &[0.8, 0.8, 4.0, 2.0], &rows);
    }
}

fn method_section(w: &mut Writer, r: &Report) {
    w.section(Section::Method);
    for p in method::paragraphs() {
        w.body(p);
    }
    let rows: Vec<Vec<Cell>> = crate::rank::bands::BANDS
        .iter()
        .rev()
        .map(|(level, lo, hi)| vec![sev_cell(*level), cell(format!("{lo} to {hi}"))])
        .collect();
    w.table(&["severity", "likelihood × impact"], &[1.0, 2.0], &rows);
    w.subheading("Evidence");
    let e = &r.evidence;
    let mut facts = vec![("Model fingerprint", e.fingerprint.clone())];
    facts.push(match &e.audit_head {
        Some((seq, h)) => ("Audit log head", format!("entry {seq}, {h}")),
        None => ("Audit log", "none: the report was made from a YAML file".to_owned()),
    });
    facts.push(("Audit entries", e.audit_entries.to_string()));
    if let Some(b) = e.baseline {
        facts.push((
            "Baseline",
            format!("{b}{}", if e.matches_baseline { " — this state is the baseline" } else { " — changed since" }),
        ));
    }
    facts.push(("Rule library", e.rules_version.clone()));
    facts.push(("Generator", e.generator.clone()));
    if let Some(t) = &e.timestamp {
        facts.push(("State as of", t.clone()));
    }
    w.facts(&facts);
    w.muted("Check this report against the project file with `threatwright verify-report REPORT.pdf FILE.twdb`: it recomputes the fingerprint and says whether the report shows the current state or a signed baseline.");
}

/// Writes the document: fixed font ids, dates from the report, metadata carrying the
/// fingerprint, and the trailer `/ID` made from a hash of the content.
fn save(pages: Vec<Page>, headings: &[(String, usize)], r: &Report, regular: ParsedFont, bold: ParsedFont) -> Vec<u8> {
    let mut doc = PdfDocument::new(&r.front.title);
    doc.resources.fonts.map.insert(FontId("TWDJVR".into()), PdfFont::new(regular));
    doc.resources.fonts.map.insert(FontId("TWDJVB".into()), PdfFont::new(bold));
    let info = &mut doc.metadata.info;
    let secs =
        r.evidence.timestamp.as_deref().and_then(|t| t.parse::<jiff::Timestamp>().ok()).map_or(0, |t| t.as_second());
    if let Ok(date) = printpdf::OffsetDateTime::from_unix_timestamp(secs) {
        info.creation_date = date;
        info.modification_date = date;
        info.metadata_date = date;
    }
    info.document_title = r.front.title.clone();
    info.author = r.front.organisation.clone().unwrap_or_else(|| r.front.authors.join(", "));
    info.creator = r.evidence.generator.clone();
    info.producer = r.evidence.generator.clone();
    info.subject = format!("Threat model report of {}; {FINGERPRINT_TAG}{}", r.front.system, r.evidence.fingerprint);
    info.keywords = vec!["threat model".into(), format!("{FINGERPRINT_TAG}{}", r.evidence.fingerprint)];
    if let Some((seq, h)) = &r.evidence.audit_head {
        info.keywords.push(format!("audit-head:{seq}:{h}"));
    }
    info.keywords.push(format!("{}{}", super::recipe::TAG, r.evidence.recipe.to_line()));
    info.identifier = r.evidence.fingerprint.clone();
    for (i, (title, page)) in headings.iter().enumerate() {
        doc.bookmarks.map.insert(
            printpdf::PageAnnotId(format!("bm{i:03}")),
            printpdf::PageAnnotation { name: title.clone(), page: page + 1 },
        );
    }
    let pages: Vec<PdfPage> = pages
        .into_iter()
        .map(|mut p| {
            if p.text.take().is_some() {
                p.ops.push(Op::EndTextSection);
            }
            PdfPage::new(Mm::from(Pt(p.w)), Mm::from(Pt(p.h)), p.ops)
        })
        .collect();
    doc.pages = pages;
    let mut warnings = Vec::new();
    let mut bytes = doc.save(&PdfSaveOptions::default(), &mut warnings);
    fix_trailer_id(&mut bytes);
    bytes
}

/// Marks the fingerprint in the document information.
pub const FINGERPRINT_TAG: &str = "threatwright-fingerprint:";

/// Replaces the two strings of the trailer's `/ID` (random in printpdf) with a hash of the
/// rest of the file, in place (same length, so cross-reference offsets stay valid).
fn fix_trailer_id(bytes: &mut [u8]) {
    let needle = b"/ID[(";
    let Some(start) = bytes.windows(needle.len()).rposition(|w| w == needle) else { return };
    let first = start + needle.len();
    let Some(len) = bytes[first..].iter().position(|&b| b == b')') else { return };
    let second = first + len + 2;
    if bytes.get(first + len + 1) != Some(&b'(') || bytes.len() < second + len {
        return;
    }
    let mut content = bytes[..start].to_vec();
    content.extend_from_slice(&bytes[second + len..]);
    let hash = crate::lifecycle::review::sha256(&content);
    let id: Vec<u8> = hash.bytes().cycle().take(len).collect();
    bytes[first..first + len].copy_from_slice(&id);
    bytes[second..second + len].copy_from_slice(&id);
}

/// The strings a PDF report keeps in its document information (keywords, subject).
pub fn read_keywords(bytes: &[u8]) -> Result<Vec<String>, String> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| format!("not a readable PDF: {e}"))?;
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| o.as_reference().ok())
        .and_then(|id| doc.get_dictionary(id).ok())
        .cloned();
    let Some(info) = info else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for key in [b"Keywords".as_slice(), b"Subject".as_slice()] {
        if let Ok(lopdf::Object::String(s, _)) = info.get(key) {
            out.push(
                lopdf::decode_text_string(&lopdf::Object::String(s.clone(), lopdf::StringFormat::Literal))
                    .unwrap_or_else(|_| String::from_utf8_lossy(s).into_owned()),
            );
        }
    }
    // Each tagged value may sit inside a longer string (keywords are joined): start each
    // at its tag.
    let tags = [FINGERPRINT_TAG, super::recipe::TAG];
    Ok(out
        .iter()
        .flat_map(|text| tags.iter().filter_map(move |t| text.find(t).map(|at| text[at..].to_owned())))
        .collect())
}

/// The fingerprint a PDF report carries in its document information, if any.
pub fn read_fingerprint(bytes: &[u8]) -> Result<Option<String>, String> {
    Ok(read_keywords(bytes)?.iter().find_map(|text| {
        let hex: String = text.strip_prefix(FINGERPRINT_TAG)?.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        (hex.len() == 64).then_some(hex)
    }))
}

/// The first page where two PDF reports differ, with the section it belongs to (from the
/// outline of `made`).
pub fn first_difference(made: &[u8], given: &[u8]) -> String {
    let (Ok(a), Ok(b)) = (lopdf::Document::load_mem(made), lopdf::Document::load_mem(given)) else {
        return "the file is no longer a readable PDF".to_owned();
    };
    let (pa, pb) = (a.get_pages(), b.get_pages());
    let differs = pa.iter().zip(&pb).find(|((_, x), (_, y))| a.get_page_content(**x) != b.get_page_content(**y));
    let page = match differs {
        Some(((n, _), _)) => *n,
        None if pa.len() != pb.len() => {
            return format!("the number of pages ({} made, {} in the report)", pa.len(), pb.len());
        }
        // The pages are the same: the document information, fonts or structure differ.
        None => return "the document information or structure (not a page)".to_owned(),
    };
    let section = a.get_toc().ok().and_then(|toc| {
        toc.toc.into_iter().filter(|t| t.page <= page as usize).max_by_key(|t| t.page).map(|t| t.title)
    });
    match section {
        Some(s) => format!("page {page}, in section “{s}”"),
        None => format!("page {page}"),
    }
}
