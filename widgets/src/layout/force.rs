//! The force-directed layout: many-body repulsion through a Barnes–Hut quadtree, springs along the
//! links, a weak pull to the centre, integrated with velocity Verlet and damped.
//!
//! Every force is scaled by a temperature `alpha` that cools geometrically towards zero; once it falls
//! below `alpha_min` the simulation stops and positions no longer change, so the picture settles and
//! stays still (no endless jitter). Dragging pins a node (`pin`) and warms the system a little
//! (`reheat`); pinned nodes do not move.

use crate::layout::quadtree::QuadTree;

/// Tuning of the simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForceConfig {
    /// Rest length of a link.
    pub link_distance: f64,
    /// Many-body strength (negative: repulsion).
    pub charge: f64,
    /// Pull towards the origin.
    pub gravity: f64,
    /// Barnes–Hut opening criterion.
    pub theta: f64,
    /// Fraction of `alpha` lost per tick.
    pub alpha_decay: f64,
    /// Temperature below which the simulation stops.
    pub alpha_min: f64,
    /// Fraction of velocity lost per tick (friction).
    pub velocity_decay: f64,
}

impl Default for ForceConfig {
    fn default() -> ForceConfig {
        ForceConfig {
            link_distance: 60.0,
            charge: -260.0,
            gravity: 0.045,
            theta: 0.9,
            alpha_decay: 0.0228,
            alpha_min: 0.001,
            velocity_decay: 0.4,
        }
    }
}

/// A link with its spring constants.
#[derive(Debug, Clone, Copy)]
struct Spring {
    source: usize,
    target: usize,
    strength: f64,
    bias: f64,
    length: f64,
}

/// A running (or settled) simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// X positions.
    pub xs: Vec<f64>,
    /// Y positions.
    pub ys: Vec<f64>,
    vxs: Vec<f64>,
    vys: Vec<f64>,
    axs: Vec<f64>,
    ays: Vec<f64>,
    masses: Vec<f64>,
    pinned: Vec<Option<(f64, f64)>>,
    springs: Vec<Spring>,
    alpha: f64,
    config: ForceConfig,
    ticks: u32,
}

impl Simulation {
    /// A simulation of `n` nodes joined by `links`; `start[i]` keeps a known position (e.g. from the
    /// previous neighbourhood), other nodes start next to a placed neighbour or on a sunflower spiral.
    pub fn new(n: usize, links: &[(usize, usize)], start: &[Option<(f64, f64)>], config: ForceConfig) -> Simulation {
        let mut count = vec![0usize; n];
        for (source, target) in links {
            count[*source] += 1;
            count[*target] += 1;
        }
        let springs = links
            .iter()
            .filter(|(source, target)| source != target && *source < n && *target < n)
            .map(|&(source, target)| {
                let (cs, ct) = (count[source] as f64, count[target] as f64);
                let hub = cs.max(ct).sqrt();
                Spring { source, target, strength: 1.0 / cs.min(ct), bias: cs / (cs + ct), length: config.link_distance + 4.0 * hub }
            })
            .collect();
        let (xs, ys) = initial_positions(n, links, start);
        let masses = count.iter().map(|links| 1.0 + (*links as f64).sqrt() * 0.5).collect();
        let mut sim = Simulation {
            xs,
            ys,
            vxs: vec![0.0; n],
            vys: vec![0.0; n],
            axs: vec![0.0; n],
            ays: vec![0.0; n],
            masses,
            pinned: vec![None; n],
            springs,
            alpha: 1.0,
            config,
            ticks: 0,
        };
        sim.accelerate();
        sim
    }

    /// Whether the simulation still moves nodes.
    pub fn is_running(&self) -> bool {
        self.alpha >= self.config.alpha_min
    }

    /// The current temperature.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Ticks done since the start.
    pub fn ticks(&self) -> u32 {
        self.ticks
    }

    /// Warms the simulation to at least `alpha` (after a drag or new data).
    pub fn reheat(&mut self, alpha: f64) {
        self.alpha = self.alpha.max(alpha);
    }

    /// Cools the simulation to at most `alpha` (new data that keeps most positions needs less shaking).
    pub fn cool_to(&mut self, alpha: f64) {
        self.alpha = self.alpha.min(alpha);
    }

    /// Fixes node `idx` at (`x`, `y`).
    pub fn pin(&mut self, idx: usize, x: f64, y: f64) {
        if idx < self.pinned.len() {
            self.pinned[idx] = Some((x, y));
            self.xs[idx] = x;
            self.ys[idx] = y;
            self.vxs[idx] = 0.0;
            self.vys[idx] = 0.0;
        }
    }

    /// Whether node `idx` is pinned.
    pub fn is_pinned(&self, idx: usize) -> bool {
        self.pinned.get(idx).is_some_and(Option::is_some)
    }

    /// Lets every node move again.
    pub fn unpin_all(&mut self) {
        self.pinned.iter_mut().for_each(|pin| *pin = None);
    }

    /// One velocity-Verlet step; returns whether the simulation is still running afterwards.
    pub fn tick(&mut self) -> bool {
        if !self.is_running() {
            return false;
        }
        let n = self.xs.len();
        for idx in 0..n {
            if let Some((x, y)) = self.pinned[idx] {
                self.xs[idx] = x;
                self.ys[idx] = y;
                continue;
            }
            self.xs[idx] += self.vxs[idx] + 0.5 * self.axs[idx];
            self.ys[idx] += self.vys[idx] + 0.5 * self.ays[idx];
        }
        let (old_ax, old_ay) = (self.axs.clone(), self.ays.clone());
        self.accelerate();
        let keep = 1.0 - self.config.velocity_decay;
        for idx in 0..n {
            if self.pinned[idx].is_some() {
                self.vxs[idx] = 0.0;
                self.vys[idx] = 0.0;
                continue;
            }
            self.vxs[idx] = (self.vxs[idx] + 0.5 * (old_ax[idx] + self.axs[idx])) * keep;
            self.vys[idx] = (self.vys[idx] + 0.5 * (old_ay[idx] + self.ays[idx])) * keep;
        }
        self.alpha -= self.alpha * self.config.alpha_decay;
        self.ticks += 1;
        self.is_running()
    }

    /// Runs until still or `max_ticks`, returning the ticks done.
    pub fn run(&mut self, max_ticks: u32) -> u32 {
        let mut done = 0;
        while done < max_ticks && self.tick() {
            done += 1;
        }
        done
    }

    /// Computes the accelerations at the current positions.
    fn accelerate(&mut self) {
        let n = self.xs.len();
        let alpha = self.alpha;
        let config = self.config;
        self.axs.iter_mut().for_each(|a| *a = 0.0);
        self.ays.iter_mut().for_each(|a| *a = 0.0);
        if n == 0 {
            return;
        }
        let tree = QuadTree::build(&self.xs, &self.ys, &self.masses);
        for idx in 0..n {
            let (x, y) = (self.xs[idx], self.ys[idx]);
            let (mut ax, mut ay) = (0.0, 0.0);
            tree.visit(x, y, idx, config.theta, |dx, dy, mass| {
                let d2 = (dx * dx + dy * dy).max(1.0);
                let push = config.charge * mass * alpha / d2;
                ax += dx * push;
                ay += dy * push;
            });
            self.axs[idx] = ax - x * config.gravity * alpha;
            self.ays[idx] = ay - y * config.gravity * alpha;
        }
        for spring in &self.springs {
            let (s, t) = (spring.source, spring.target);
            let dx = self.xs[t] - self.xs[s];
            let dy = self.ys[t] - self.ys[s];
            let len = (dx * dx + dy * dy).sqrt().max(1e-6);
            let k = (len - spring.length) / len * alpha * spring.strength;
            self.axs[t] -= dx * k * spring.bias;
            self.ays[t] -= dy * k * spring.bias;
            self.axs[s] += dx * k * (1.0 - spring.bias);
            self.ays[s] += dy * k * (1.0 - spring.bias);
        }
    }
}

/// Known positions stay; a new node goes next to its first placed neighbour, else on a spiral.
fn initial_positions(n: usize, links: &[(usize, usize)], start: &[Option<(f64, f64)>]) -> (Vec<f64>, Vec<f64>) {
    let mut placed: Vec<Option<(f64, f64)>> = (0..n).map(|idx| start.get(idx).copied().flatten()).collect();
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let any_placed = placed.iter().any(Option::is_some);
    for idx in 0..n {
        if placed[idx].is_some() {
            continue;
        }
        let neighbour = links.iter().find_map(|&(s, t)| match (s == idx, t == idx) {
            (true, _) => placed.get(t).copied().flatten(),
            (_, true) => placed.get(s).copied().flatten(),
            _ => None,
        });
        let angle = idx as f64 * golden;
        placed[idx] = Some(match neighbour {
            Some((x, y)) => (x + 30.0 * angle.cos(), y + 30.0 * angle.sin()),
            None => {
                let radius = if any_placed { 200.0 } else { 0.0 } + 12.0 * (0.5 + idx as f64).sqrt();
                (radius * angle.cos(), radius * angle.sin())
            }
        });
    }
    placed.into_iter().map(|pos| pos.unwrap_or((0.0, 0.0))).unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn star_and_chain() -> (usize, Vec<(usize, usize)>) {
        let mut links: Vec<(usize, usize)> = (1..20).map(|leaf| (0, leaf)).collect();
        links.extend((20..40).map(|idx| (idx - 1, idx)));
        (40, links)
    }

    #[test]
    fn converges_and_then_stays_still() {
        let (n, links) = star_and_chain();
        let mut sim = Simulation::new(n, &links, &[], ForceConfig::default());
        let ticks = sim.run(10_000);
        assert!(ticks < 400, "took {ticks} ticks");
        assert!(!sim.is_running());
        let before = (sim.xs.clone(), sim.ys.clone());
        assert!(!sim.tick());
        assert_eq!((sim.xs.clone(), sim.ys.clone()), before);
        assert!(sim.xs.iter().chain(&sim.ys).all(|v| v.is_finite()));
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones() {
        let (n, links) = star_and_chain();
        let mut sim = Simulation::new(n, &links, &[], ForceConfig::default());
        sim.run(10_000);
        let dist = |a: usize, b: usize| ((sim.xs[a] - sim.xs[b]).powi(2) + (sim.ys[a] - sim.ys[b]).powi(2)).sqrt();
        let linked: f64 = links.iter().map(|&(a, b)| dist(a, b)).sum::<f64>() / links.len() as f64;
        let all: f64 = (0..n).flat_map(|a| (0..n).map(move |b| (a, b))).filter(|(a, b)| a < b).map(|(a, b)| dist(a, b)).sum::<f64>()
            / (n * (n - 1) / 2) as f64;
        assert!(linked < all * 0.6, "linked {linked}, all {all}");
        // No two nodes on top of each other.
        for a in 0..n {
            for b in a + 1..n {
                assert!(dist(a, b) > 3.0, "{a} and {b} overlap");
            }
        }
    }

    #[test]
    fn pinned_nodes_stay_and_known_positions_are_kept() {
        let (n, links) = star_and_chain();
        let mut start = vec![None; n];
        start[5] = Some((500.0, 500.0));
        let mut sim = Simulation::new(n, &links, &start, ForceConfig::default());
        assert_eq!((sim.xs[5], sim.ys[5]), (500.0, 500.0));
        sim.pin(3, -100.0, 40.0);
        sim.run(10_000);
        assert_eq!((sim.xs[3], sim.ys[3]), (-100.0, 40.0));
        assert!(sim.is_pinned(3));
        sim.reheat(0.3);
        assert!(sim.is_running());
    }

    #[test]
    fn empty_and_single_graphs_are_fine() {
        let mut empty = Simulation::new(0, &[], &[], ForceConfig::default());
        empty.run(1000);
        let mut one = Simulation::new(1, &[], &[], ForceConfig::default());
        one.run(1000);
        assert!(one.xs[0].abs() < 1.0);
    }
}
