//! A Barnes–Hut quadtree: bodies are inserted into a square region split in four until each leaf holds
//! one body (coincident bodies share a leaf), every cell knows its total mass and centre of mass, and a
//! query sums the pull of far cells as one body when `cell width / distance < theta`.

const NONE: u32 = u32::MAX;
/// Cells smaller than this hold all their bodies in one leaf (coincident points).
const MIN_HALF: f64 = 1e-3;

#[derive(Debug, Clone)]
struct Cell {
    cx: f64,
    cy: f64,
    half: f64,
    mass: f64,
    mx: f64,
    my: f64,
    children: [u32; 4],
    /// First body of a leaf (chained through `QuadTree::next`), `NONE` for an empty or inner cell.
    body: u32,
}

impl Cell {
    fn new(cx: f64, cy: f64, half: f64) -> Cell {
        Cell { cx, cy, half, mass: 0.0, mx: 0.0, my: 0.0, children: [NONE; 4], body: NONE }
    }

    fn is_inner(&self) -> bool {
        self.children.iter().any(|child| *child != NONE)
    }

    fn quadrant(&self, x: f64, y: f64) -> usize {
        usize::from(x >= self.cx) + 2 * usize::from(y >= self.cy)
    }
}

/// A quadtree over a set of weighted points.
#[derive(Debug, Clone)]
pub struct QuadTree {
    cells: Vec<Cell>,
    next: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    masses: Vec<f64>,
}

impl QuadTree {
    /// Builds the tree over points (`xs[i]`, `ys[i]`) with weights `masses[i]`.
    pub fn build(xs: &[f64], ys: &[f64], masses: &[f64]) -> QuadTree {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (x, y) in xs.iter().zip(ys) {
            x0 = x0.min(*x);
            y0 = y0.min(*y);
            x1 = x1.max(*x);
            y1 = y1.max(*y);
        }
        let half = ((x1 - x0).max(y1 - y0) / 2.0).max(1.0) * 1.0001;
        let root = if xs.is_empty() { Cell::new(0.0, 0.0, 1.0) } else { Cell::new((x0 + x1) / 2.0, (y0 + y1) / 2.0, half) };
        let mut tree =
            QuadTree { cells: vec![root], next: vec![NONE; xs.len()], xs: xs.to_vec(), ys: ys.to_vec(), masses: masses.to_vec() };
        for body in 0..xs.len() {
            tree.insert(body);
        }
        tree.summarise();
        tree
    }

    fn insert(&mut self, body: usize) {
        let (x, y) = (self.xs[body], self.ys[body]);
        let mut cell = 0usize;
        loop {
            if self.cells[cell].is_inner() {
                cell = self.child(cell, x, y);
                continue;
            }
            let resident = self.cells[cell].body;
            if resident == NONE {
                self.cells[cell].body = body as u32;
                return;
            }
            if self.cells[cell].half < MIN_HALF {
                self.next[body] = resident;
                self.cells[cell].body = body as u32;
                return;
            }
            // Split: move the resident chain down one level, then retry here.
            self.cells[cell].body = NONE;
            let (rx, ry) = (self.xs[resident as usize], self.ys[resident as usize]);
            let child = self.child(cell, rx, ry);
            self.cells[child].body = resident;
        }
    }

    fn child(&mut self, cell: usize, x: f64, y: f64) -> usize {
        let quadrant = self.cells[cell].quadrant(x, y);
        let existing = self.cells[cell].children[quadrant];
        if existing != NONE {
            return existing as usize;
        }
        let parent = &self.cells[cell];
        let half = parent.half / 2.0;
        let cx = parent.cx + if quadrant & 1 == 1 { half } else { -half };
        let cy = parent.cy + if quadrant & 2 == 2 { half } else { -half };
        let idx = self.cells.len();
        self.cells.push(Cell::new(cx, cy, half));
        self.cells[cell].children[quadrant] = idx as u32;
        idx
    }

    /// Children are always pushed after their parent, so one backward pass sums every cell.
    fn summarise(&mut self) {
        for idx in (0..self.cells.len()).rev() {
            let (mut mass, mut mx, mut my) = (0.0, 0.0, 0.0);
            let mut body = self.cells[idx].body;
            while body != NONE {
                let b = body as usize;
                mass += self.masses[b];
                mx += self.masses[b] * self.xs[b];
                my += self.masses[b] * self.ys[b];
                body = self.next[b];
            }
            for child in self.cells[idx].children {
                if child != NONE {
                    let child = &self.cells[child as usize];
                    mass += child.mass;
                    mx += child.mass * child.mx;
                    my += child.mass * child.my;
                }
            }
            let cell = &mut self.cells[idx];
            cell.mass = mass;
            if mass > 0.0 {
                cell.mx = mx / mass;
                cell.my = my / mass;
            }
        }
    }

    /// Calls `pull(dx, dy, mass)` for every body or far cell seen from (`x`, `y`), skipping body `skip`;
    /// (`dx`, `dy`) points from the query point to the body or centre of mass.
    pub fn visit(&self, x: f64, y: f64, skip: usize, theta: f64, mut pull: impl FnMut(f64, f64, f64)) {
        let theta2 = theta * theta;
        let mut stack = vec![0u32];
        while let Some(idx) = stack.pop() {
            let cell = &self.cells[idx as usize];
            if cell.mass <= 0.0 {
                continue;
            }
            if !cell.is_inner() {
                let mut body = cell.body;
                while body != NONE {
                    let b = body as usize;
                    if b != skip {
                        pull(self.xs[b] - x, self.ys[b] - y, self.masses[b]);
                    }
                    body = self.next[b];
                }
                continue;
            }
            let (dx, dy) = (cell.mx - x, cell.my - y);
            let width = cell.half * 2.0;
            if width * width < theta2 * (dx * dx + dy * dy) {
                pull(dx, dy, cell.mass);
            } else {
                stack.extend(cell.children.iter().copied().filter(|child| *child != NONE));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(n: usize) -> (Vec<f64>, Vec<f64>) {
        let xs = (0..n).map(|idx| ((idx * 7919) % 1000) as f64 / 3.0).collect();
        let ys = (0..n).map(|idx| ((idx * 104_729) % 997) as f64 / 2.0).collect();
        (xs, ys)
    }

    #[test]
    fn total_mass_and_centre_are_exact() {
        let (xs, ys) = points(300);
        let masses = vec![1.0; 300];
        let tree = QuadTree::build(&xs, &ys, &masses);
        assert!((tree.cells[0].mass - 300.0).abs() < 1e-9);
        let mean_x = xs.iter().sum::<f64>() / 300.0;
        assert!((tree.cells[0].mx - mean_x).abs() < 1e-9);
    }

    #[test]
    fn approximation_is_close_to_brute_force() {
        let (xs, ys) = points(500);
        let masses = vec![1.0; 500];
        let tree = QuadTree::build(&xs, &ys, &masses);
        let force = |theta: f64| {
            let mut sum = (0.0, 0.0);
            tree.visit(xs[0], ys[0], 0, theta, |dx, dy, mass| {
                let d2 = (dx * dx + dy * dy).max(1.0);
                sum.0 += dx * mass / d2;
                sum.1 += dy * mass / d2;
            });
            sum
        };
        let exact = force(0.0);
        let approx = force(0.8);
        let norm = (exact.0 * exact.0 + exact.1 * exact.1).sqrt();
        let err = ((exact.0 - approx.0).powi(2) + (exact.1 - approx.1).powi(2)).sqrt();
        assert!(err / norm < 0.05, "relative error {}", err / norm);
    }

    #[test]
    fn coincident_points_are_all_seen() {
        let xs = vec![5.0; 4];
        let ys = vec![5.0; 4];
        let tree = QuadTree::build(&xs, &ys, &[1.0; 4]);
        let mut seen = 0.0;
        tree.visit(0.0, 0.0, usize::MAX, 0.0, |_, _, mass| seen += mass);
        assert_eq!(seen, 4.0);
    }
}
