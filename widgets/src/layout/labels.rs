//! Label placement that never piles labels up: candidates come in priority order (focus, selection,
//! then by degree); each tries four spots around its marker (right, left, above, below) and takes the
//! first that overlaps no marker and no label already placed; labels that fit nowhere are left out.
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
/// text box of each placed label, `None` for those left out. At most `max` labels are placed.
pub fn place(candidates: &[Candidate], width: f64, height: f64, max: usize) -> Vec<Option<Rect>> {
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
            let spots = [
                Rect { x: c.x + c.r + gap, y: c.y - c.h / 2.0, w: c.w, h: c.h },
                Rect { x: c.x - c.r - gap - c.w, y: c.y - c.h / 2.0, w: c.w, h: c.h },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placed_labels_never_overlap_each_other_or_markers() {
        let candidates: Vec<Candidate> = (0..120)
            .map(|idx| Candidate { x: ((idx * 37) % 600) as f64, y: ((idx * 91) % 400) as f64, r: 6.0, w: 70.0, h: 14.0 })
            .collect();
        let placed = place(&candidates, 600.0, 400.0, 1000);
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
        let placed = place(&[a, b], 400.0, 400.0, 10);
        assert_eq!(placed[0].map(|rect| rect.x), Some(108.0));
        assert!(placed[1].is_none_or(|rect| rect.x != 109.0));
        assert_eq!(place(&[a, b], 400.0, 400.0, 1)[1], None);
    }
}
