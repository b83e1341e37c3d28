//! The geographic layout: the Natural Earth I projection (Šavrič, Jenny, Patterson, 2015; the
//! polynomial form d3-geo uses), the base map decoded from the TopoJSON of npm `world-atlas`
//! (Natural Earth, public domain), and node positions: a node at its own coordinates, an agreement at
//! the mean of its located participants, anything else without a location left for the side rail.

use partnergraph_schema::{EdgeType, GeoPoint, NodeKind};
use serde_json::Value;

use crate::model::MapData;

/// World units per radian: the projected world is about 1,700 units wide.
pub const SCALE: f64 = 300.0;

/// Why a base map could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeoError {
    /// Not JSON.
    #[error("the base map is not JSON: {0}")]
    Json(String),
    /// JSON, but not the expected TopoJSON.
    #[error("the base map is not a TopoJSON topology with a `countries` object: {0}")]
    Shape(&'static str),
}

/// Projects longitude and latitude (degrees) to world coordinates, y pointing down.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    let lambda = lon.clamp(-180.0, 180.0).to_radians();
    let phi = lat.clamp(-90.0, 90.0).to_radians();
    let phi2 = phi * phi;
    let phi4 = phi2 * phi2;
    let x = lambda * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)));
    let y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)));
    (x * SCALE, -y * SCALE)
}

/// Projected country outlines, ready to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BaseMap {
    /// Closed rings (outer boundaries and holes) in world coordinates.
    pub rings: Vec<Vec<(f64, f64)>>,
    /// The outline of the whole projected globe (for the ocean).
    pub sphere: Vec<(f64, f64)>,
    /// For each ring, the country it outlines (an index shared by the rings of one country).
    pub owners: Vec<usize>,
}

/// Decodes `countries-110m.json` (TopoJSON, quantized, delta-encoded arcs) and projects it; Antarctica
/// (ISO numeric 010) is left out, as network maps usually do. Rings that cross the antimeridian
/// (Russia, Fiji) are cut there, so no stroke runs across the map.
pub fn parse_topology(json: &str) -> Result<BaseMap, GeoError> {
    let topo: Value = serde_json::from_str(json).map_err(|err| GeoError::Json(err.to_string()))?;
    let transform = &topo["transform"];
    let scale = pair(&transform["scale"]).unwrap_or((1.0, 1.0));
    let translate = pair(&transform["translate"]).unwrap_or((0.0, 0.0));
    let raw_arcs = topo["arcs"].as_array().ok_or(GeoError::Shape("no arcs"))?;
    let arcs: Vec<Vec<(f64, f64)>> = raw_arcs
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .map(|points| {
                    points
                        .iter()
                        .filter_map(pair)
                        .map(|(dx, dy)| {
                            x += dx;
                            y += dy;
                            (x * scale.0 + translate.0, y * scale.1 + translate.1)
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let geometries = topo["objects"]["countries"]["geometries"].as_array().ok_or(GeoError::Shape("no countries"))?;
    let mut rings = Vec::new();
    let mut owners = Vec::new();
    for (owner, geometry) in geometries.iter().enumerate() {
        if geometry["id"].as_str() == Some("010") {
            continue;
        }
        let polygons: Vec<&Value> = match geometry["type"].as_str() {
            Some("Polygon") => vec![&geometry["arcs"]],
            Some("MultiPolygon") => geometry["arcs"].as_array().map(|polys| polys.iter().collect()).unwrap_or_default(),
            _ => Vec::new(),
        };
        for polygon in polygons {
            for ring in polygon.as_array().into_iter().flatten() {
                let ring = stitch(ring, &arcs);
                if ring.len() > 2 {
                    for part in split_antimeridian(ring) {
                        rings.push(part.into_iter().map(|(lon, lat)| project(lon, lat)).collect());
                        owners.push(owner);
                    }
                }
            }
        }
    }
    Ok(BaseMap { rings, sphere: sphere(), owners })
}

/// Concatenates a ring's arcs (`~i` is arc `i` reversed), dropping the shared joints.
fn stitch(ring: &Value, arcs: &[Vec<(f64, f64)>]) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for arc in ring.as_array().into_iter().flatten() {
        let Some(idx) = arc.as_i64() else { continue };
        let (arc_idx, reversed) = if idx < 0 { ((!idx) as usize, true) } else { (idx as usize, false) };
        let Some(arc) = arcs.get(arc_idx) else { continue };
        let mut part = arc.clone();
        if reversed {
            part.reverse();
        }
        let skip = usize::from(!points.is_empty());
        points.extend(part.into_iter().skip(skip));
    }
    points
}

/// A ring (longitude, latitude) that jumps across ±180° is unwrapped into one continuous ring, then
/// drawn twice, clamped to the map's east and west edges; other rings pass through.
fn split_antimeridian(ring: Vec<(f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    if !ring.windows(2).any(|pair| (pair[1].0 - pair[0].0).abs() > 180.0) {
        return vec![ring];
    }
    let mut unwrapped = Vec::with_capacity(ring.len());
    let mut offset = 0.0;
    let mut previous: Option<f64> = None;
    for (lon, lat) in ring {
        if let Some(prev) = previous {
            if lon - prev > 180.0 {
                offset -= 360.0;
            } else if prev - lon > 180.0 {
                offset += 360.0;
            }
        }
        previous = Some(lon);
        unwrapped.push((lon + offset, lat));
    }
    let clamp = |shift: f64| unwrapped.iter().map(|(lon, lat)| ((lon + shift).clamp(-180.0, 180.0), *lat)).collect::<Vec<_>>();
    vec![clamp(0.0), clamp(360.0), clamp(-360.0)]
}

fn pair(value: &Value) -> Option<(f64, f64)> {
    Some((value.get(0)?.as_f64()?, value.get(1)?.as_f64()?))
}

/// The projected boundary of the globe (meridians ±180 and the poles).
pub fn sphere() -> Vec<(f64, f64)> {
    let east = (-90..=90).step_by(5).map(|lat| project(180.0, f64::from(lat)));
    let west = (-90..=90).rev().step_by(5).map(|lat| project(-180.0, f64::from(lat)));
    east.chain(west).collect()
}

/// World positions for the geographic layout; `None` for nodes that go to the side rail.
pub fn positions(data: &MapData) -> Vec<Option<(f64, f64)>> {
    let located: Vec<Option<GeoPoint>> = data.nodes.iter().map(|node| node.location.filter(GeoPoint::is_valid)).collect();
    data.nodes
        .iter()
        .enumerate()
        .map(|(idx, node)| {
            if let Some(point) = located[idx] {
                return Some(project(point.lon, point.lat));
            }
            if node.kind != NodeKind::Agreement {
                return None;
            }
            let participants: Vec<GeoPoint> = data
                .incident(idx)
                .filter(|(edge, _)| matches!(edge.wire.edge_type, EdgeType::ParticipatesIn | EdgeType::Funds))
                .filter_map(|(_, other)| located[other])
                .collect();
            if participants.is_empty() {
                return None;
            }
            let n = participants.len() as f64;
            let lat = participants.iter().map(|p| p.lat).sum::<f64>() / n;
            let lon = participants.iter().map(|p| p.lon).sum::<f64>() / n;
            Some(project(lon, lat))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WireSubgraph;

    #[test]
    fn projection_is_centred_and_symmetric() {
        assert_eq!(project(0.0, 0.0), (0.0, 0.0));
        let (x, y) = project(100.0, 30.0);
        let (mx, my) = project(-100.0, -30.0);
        assert!((x + mx).abs() < 1e-9 && (y + my).abs() < 1e-9);
        assert!(y < 0.0, "north is up");
        // The projected world is about 5.47 radians wide.
        assert!((project(180.0, 0.0).0 * 2.0 / SCALE - 5.47).abs() < 0.01);
    }

    #[test]
    fn decodes_a_tiny_topology() {
        let json = r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[0,0]},
            "arcs":[[[0,0],[10,0],[0,10]],[[10,10],[-10,0],[0,-10]]],
            "objects":{"countries":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","arcs":[[0,1]],"id":"004"},
              {"type":"MultiPolygon","arcs":[[[~0]]],"id":"010"}]}}}"#
            .replace("~0", "-1");
        let map = parse_topology(&json).expect("parses");
        assert_eq!(map.rings.len(), 1);
        assert_eq!(map.rings[0].len(), 5);
        assert_eq!(map.rings[0][0], project(0.0, 0.0));
        let split = split_antimeridian(vec![(170.0, 60.0), (-170.0, 60.0), (-170.0, 70.0), (170.0, 70.0)]);
        assert_eq!(split.len(), 3);
        assert_eq!(split[0], vec![(170.0, 60.0), (180.0, 60.0), (180.0, 70.0), (170.0, 70.0)]);
        assert_eq!(split[2][1], (-170.0, 60.0));
        assert_eq!(map.rings[0][2], project(10.0, 10.0));
        assert!(parse_topology("{}").is_err());
        assert!(parse_topology("nope").is_err());
    }

    #[test]
    fn agreements_sit_at_the_mean_of_their_participants() {
        let json = r#"{"nodes":[
            {"id":"agreement:x","kind":"AGREEMENT","name":"X"},
            {"id":"country:A","kind":"COUNTRY","name":"A","location":{"lat":10,"lon":20}},
            {"id":"country:B","kind":"COUNTRY","name":"B","location":{"lat":30,"lon":40}},
            {"id":"network:n","kind":"NETWORK","name":"N"}],
          "edges":[
            {"id":"1","type":"PARTICIPATES_IN","source":"country:A","target":"agreement:x"},
            {"id":"2","type":"PARTICIPATES_IN","source":"country:B","target":"agreement:x"},
            {"id":"3","type":"MEMBER_OF","source":"country:A","target":"network:n"}]}"#;
        let data = MapData::new(serde_json::from_str::<WireSubgraph>(json).expect("parses"));
        let pos = positions(&data);
        assert_eq!(pos[0], Some(project(30.0, 20.0)));
        assert_eq!(pos[1], Some(project(20.0, 10.0)));
        assert_eq!(pos[3], None);
    }
}
