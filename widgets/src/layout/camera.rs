//! The camera: world coordinates to screen (CSS pixel) coordinates by a centre and a zoom factor, with
//! zoom about a point, pan and fit-to-bounds.

/// Smallest and largest zoom factors.
pub const ZOOM_RANGE: (f64, f64) = (0.05, 12.0);

/// A view of the world in a `width` × `height` viewport.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// World x at the viewport centre.
    pub x: f64,
    /// World y at the viewport centre.
    pub y: f64,
    /// Screen pixels per world unit.
    pub k: f64,
    /// Viewport width in CSS pixels.
    pub width: f64,
    /// Viewport height in CSS pixels.
    pub height: f64,
}

impl Default for Camera {
    fn default() -> Camera {
        Camera { x: 0.0, y: 0.0, k: 1.0, width: 800.0, height: 520.0 }
    }
}

impl Camera {
    /// World to screen.
    pub fn to_screen(&self, x: f64, y: f64) -> (f64, f64) {
        ((x - self.x) * self.k + self.width / 2.0, (y - self.y) * self.k + self.height / 2.0)
    }

    /// Screen to world.
    pub fn to_world(&self, sx: f64, sy: f64) -> (f64, f64) {
        ((sx - self.width / 2.0) / self.k + self.x, (sy - self.height / 2.0) / self.k + self.y)
    }

    /// Zooms by `factor` keeping the world point under (`sx`, `sy`) in place.
    pub fn zoom_at(&mut self, sx: f64, sy: f64, factor: f64) {
        let (wx, wy) = self.to_world(sx, sy);
        self.k = (self.k * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
        let (nx, ny) = self.to_world(sx, sy);
        self.x += wx - nx;
        self.y += wy - ny;
    }

    /// Moves the view by a screen-space drag of (`dx`, `dy`).
    pub fn pan(&mut self, dx: f64, dy: f64) {
        self.x -= dx / self.k;
        self.y -= dy / self.k;
    }

    /// Frames the points with `padding` pixels around, never zooming in past `max_k`.
    pub fn fit(&mut self, points: impl Iterator<Item = (f64, f64)>, padding: f64, max_k: f64) {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (x, y) in points {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        if !x0.is_finite() {
            self.x = 0.0;
            self.y = 0.0;
            self.k = 1.0;
            return;
        }
        self.x = (x0 + x1) / 2.0;
        self.y = (y0 + y1) / 2.0;
        let kx = (self.width - 2.0 * padding).max(10.0) / (x1 - x0).max(1e-6);
        let ky = (self.height - 2.0 * padding).max(10.0) / (y1 - y0).max(1e-6);
        self.k = kx.min(ky).min(max_k).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_zooms_about_the_pointer() {
        let mut camera = Camera { x: 10.0, y: -5.0, k: 2.0, width: 400.0, height: 300.0 };
        let (sx, sy) = camera.to_screen(30.0, 40.0);
        assert_eq!(camera.to_world(sx, sy), (30.0, 40.0));
        camera.zoom_at(sx, sy, 1.5);
        let (ax, ay) = camera.to_screen(30.0, 40.0);
        assert!((ax - sx).abs() < 1e-9 && (ay - sy).abs() < 1e-9);
        camera.pan(10.0, 0.0);
        assert!((camera.to_screen(30.0, 40.0).0 - sx - 10.0).abs() < 1e-9);
    }

    #[test]
    fn fit_frames_every_point() {
        let mut camera = Camera::default();
        let points = [(-100.0, -50.0), (300.0, 80.0)];
        camera.fit(points.iter().copied(), 20.0, 4.0);
        for (x, y) in points {
            let (sx, sy) = camera.to_screen(x, y);
            assert!((19.0..=781.0).contains(&sx) && (19.0..=501.0).contains(&sy), "{sx},{sy}");
        }
    }
}
