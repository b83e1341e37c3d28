//! Label placement that never piles labels up: candidates come in priority order (focus, selection,
//! then by degree); each tries four spots around its marker (after it in reading order, before it,
//! above, below: right then left for left-to-right, left then right for right-to-left) and takes the
//! first that lies inside the view and overlaps no marker and no label already placed; labels that fit
//! nowhere are left out.
//! `text_is_rtl` tells the direction a label's own text is drawn in (its first strong character).
//! A uniform grid keeps the overlap test cheap for thousands of nodes.

use std::collections::HashMap;

/// An axis-aligned rectangle in screen pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w && other.x < self.x + self.w && self.y < other.y + other.h && other.y < self.y + self.h
    }
}

/// A label to place: the marker's screen centre and radius, and the text's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Marker centre x.
    pub x: f64,
    /// Marker centre y.
    pub y: f64,
    /// Marker radius.
    pub r: f64,
    /// Text width.
    pub w: f64,
    /// Text height.
    pub h: f64,
}

const CELL: f64 = 48.0;

struct Grid {
    rects: Vec<Rect>,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl Grid {
    fn keys(rect: &Rect) -> impl Iterator<Item = (i64, i64)> {
        let (x0, x1) = ((rect.x / CELL).floor() as i64, ((rect.x + rect.w) / CELL).floor() as i64);
        let (y0, y1) = ((rect.y / CELL).floor() as i64, ((rect.y + rect.h) / CELL).floor() as i64);
        (x0..=x1).flat_map(move |cx| (y0..=y1).map(move |cy| (cx, cy)))
    }

    fn hits(&self, rect: &Rect, ignore: Option<usize>) -> bool {
        Grid::keys(rect)
            .any(|key| self.cells.get(&key).is_some_and(|ids| ids.iter().any(|id| Some(*id) != ignore && self.rects[*id].overlaps(rect))))
    }

    fn add(&mut self, rect: Rect) -> usize {
        let id = self.rects.len();
        for key in Grid::keys(&rect) {
            self.cells.entry(key).or_default().push(id);
        }
        self.rects.push(rect);
        id
    }
}

/// Places labels for `candidates` (in priority order) inside a `width` × `height` viewport; returns the
/// text box of each placed label, `None` for those left out. At most `max` labels are placed; `rtl`
/// puts the left spot before the right one.
pub fn place(candidates: &[Candidate], width: f64, height: f64, max: usize, rtl: bool) -> Vec<Option<Rect>> {
    let mut grid = Grid { rects: Vec::with_capacity(candidates.len() * 2), cells: HashMap::new() };
    let markers: Vec<usize> =
        candidates.iter().map(|c| grid.add(Rect { x: c.x - c.r, y: c.y - c.r, w: 2.0 * c.r, h: 2.0 * c.r })).collect();
    let mut placed = 0;
    candidates
        .iter()
        .zip(markers)
        .map(|(c, own)| {
            if placed >= max || c.x < -c.w || c.y < -c.h || c.x > width + c.w || c.y > height + c.h {
                return None;
            }
            let gap = 3.0;
            let right = Rect { x: c.x + c.r + gap, y: c.y - c.h / 2.0, w: c.w, h: c.h };
            let left = Rect { x: c.x - c.r - gap - c.w, y: c.y - c.h / 2.0, w: c.w, h: c.h };
            let (first, second) = if rtl { (left, right) } else { (right, left) };
            let spots = [
                first,
                second,
                Rect { x: c.x - c.w / 2.0, y: c.y - c.r - gap - c.h, w: c.w, h: c.h },
                Rect { x: c.x - c.w / 2.0, y: c.y + c.r + gap, w: c.w, h: c.h },
            ];
            let inside = |rect: &Rect| rect.x >= 0.0 && rect.y >= 0.0 && rect.x + rect.w <= width && rect.y + rect.h <= height;
            let spot = spots.into_iter().find(|rect| inside(rect) && !grid.hits(rect, Some(own)))?;
            grid.add(spot);
            placed += 1;
            Some(spot)
        })
        .collect()
}

/// Whether `text` reads right to left: its first strong character is Hebrew, Arabic, Syriac, Thaana,
/// N'Ko or another right-to-left script (as `dir="auto"` decides); text with none reads left to right.
/// Letters are told from neutrals by code point ranges (ASCII letters, and everything from U+00C0 but
/// digits, punctuation, symbols, combining marks and format characters), not by the Unicode tables,
/// which would cost the widget's download several kilobytes for labels.
pub fn text_is_rtl(text: &str) -> bool {
    text.chars()
        .find_map(|ch| {
            let code = u32::from(ch);
            let neutral = matches!(
                code,
                0..=0xBF
                    | 0xD7
                    | 0xF7
                    | 0x0300..=0x036F
                    | 0x0591..=0x05BD
                    | 0x0600..=0x060F
                    | 0x064B..=0x066D
                    | 0x06F0..=0x06F9
                    | 0x2000..=0x2BFF
                    | 0x3000..=0x303F
                    | 0xFE00..=0xFE0F
                    | 0xFF00..=0xFF20
            );
            let rtl = matches!(code, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF);
            (ch.is_ascii_alphabetic() || !neutral).then_some(rtl)
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placed_labels_never_overlap_each_other_or_markers() {
        let candidates: Vec<Candidate> = (0..120)
            .map(|idx| Candidate { x: ((idx * 37) % 600) as f64, y: ((idx * 91) % 400) as f64, r: 6.0, w: 70.0, h: 14.0 })
            .collect();
        let placed = place(&candidates, 600.0, 400.0, 1000, false);
        let boxes: Vec<Rect> = placed.iter().flatten().copied().collect();
        assert!(boxes.len() > 10);
        for (idx, a) in boxes.iter().enumerate() {
            for b in &boxes[idx + 1..] {
                assert!(!a.overlaps(b));
            }
            for c in &candidates {
                assert!(!a.overlaps(&Rect { x: c.x - c.r, y: c.y - c.r, w: 2.0 * c.r, h: 2.0 * c.r }));
            }
        }
    }

    #[test]
    fn the_first_candidate_wins_a_contested_spot() {
        let a = Candidate { x: 100.0, y: 100.0, r: 5.0, w: 60.0, h: 12.0 };
        let b = Candidate { x: 101.0, y: 100.0, r: 5.0, w: 60.0, h: 12.0 };
        let placed = place(&[a, b], 400.0, 400.0, 10, false);
        assert_eq!(placed[0].map(|rect| rect.x), Some(108.0));
        assert!(placed[1].is_none_or(|rect| rect.x != 109.0));
        assert_eq!(place(&[a, b], 400.0, 400.0, 1, false)[1], None);
    }

    #[test]
    fn right_to_left_puts_labels_left_of_their_marker_and_inside_the_view() {
        let c = Candidate { x: 200.0, y: 100.0, r: 5.0, w: 60.0, h: 12.0 };
        assert_eq!(place(&[c], 400.0, 400.0, 10, true)[0].map(|rect| rect.x), Some(200.0 - 5.0 - 3.0 - 60.0));
        // Near the left edge there is no room on the left: the label goes right, never clipped.
        let edge = Candidate { x: 20.0, ..c };
        let rect = place(&[edge], 400.0, 400.0, 10, true)[0].expect("placed");
        assert!(rect.x >= 0.0 && rect.x > edge.x + edge.r);
    }

    #[test]
    fn the_first_strong_character_decides_the_direction() {
        assert!(text_is_rtl("برنامج الأمم المتحدة الإنمائي"));
        assert!(text_is_rtl("(2014) שלום"));
        assert!(!text_is_rtl("WACAP Global Forum"));
        assert!(!text_is_rtl("UNDP — برنامج"));
        assert!(!text_is_rtl("123 …"));
        assert!(text_is_rtl("١٢٣ برنامج"));
        assert!(!text_is_rtl("Économie"));
        assert!(!text_is_rtl("中国"));
        // A right-to-left override is not a letter: the text's own first letter still decides.
        assert!(!text_is_rtl("\u{202E}evil.exe"));
    }
}
