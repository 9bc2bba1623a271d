//! Severity bands over likelihood × impact.

use crate::model::RiskLevel;

/// Severity for each range of likelihood × impact (1–25), inclusive. The cut points keep
/// "high" for threats at least likely (3) and serious (4) or the reverse, reserve
/// "critical" for threats both likely and severe (4 × 5, 5 × 4, 5 × 5), and put whatever
/// is rare (1) or negligible (1) at low. A register where most threats are high stops
/// telling a workshop where to start; these bands were set so that the example models'
/// registers spread over all four levels.
pub const BANDS: [(RiskLevel, u8, u8); 4] =
    [(RiskLevel::Low, 1, 5), (RiskLevel::Medium, 6, 11), (RiskLevel::High, 12, 19), (RiskLevel::Critical, 20, 25)];

/// The severity of a threat with this likelihood and impact (each clamped to 1–5).
pub fn severity(likelihood: u8, impact: u8) -> RiskLevel {
    let product = likelihood.clamp(1, 5) * impact.clamp(1, 5);
    BANDS.iter().find(|(_, lo, hi)| (*lo..=*hi).contains(&product)).map_or(RiskLevel::Critical, |b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RiskLevel::*;

    #[test]
    fn the_whole_matrix() {
        // Rows: likelihood 1..5; columns: impact 1..5.
        let expected = [
            [Low, Low, Low, Low, Low],
            [Low, Low, Medium, Medium, Medium],
            [Low, Medium, Medium, High, High],
            [Low, Medium, High, High, Critical],
            [Low, Medium, High, Critical, Critical],
        ];
        for l in 1..=5u8 {
            for i in 1..=5u8 {
                assert_eq!(severity(l, i), expected[l as usize - 1][i as usize - 1], "L{l} x I{i}");
            }
        }
    }

    #[test]
    fn bands_cover_every_product_once() {
        for p in 1..=25u8 {
            assert_eq!(BANDS.iter().filter(|(_, lo, hi)| (*lo..=*hi).contains(&p)).count(), 1, "{p}");
        }
        assert_eq!(severity(0, 9), Low, "out-of-range inputs are clamped to 1 x 5");
    }
}
