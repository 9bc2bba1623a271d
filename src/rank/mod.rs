//! Ranking: likelihood and impact on 1–5 scales, severity from their product in bands.
//!
//! One documented scheme, in one place: `bands` maps likelihood × impact to a severity,
//! `score` adjusts a rule's default likelihood and impact by exposure and data. Rules give
//! defaults, never a severity. `threatwright rules ranking` prints [`scheme`].

pub mod bands;
pub mod score;

pub use bands::severity;
pub use score::{DataAtRisk, Exposure, Override, Ranking, rank};

/// The ranking scheme in words, for people and reports.
pub fn scheme() -> String {
    let mut s = String::from(
        "Ranking scheme\n\
         ==============\n\
         Each threat has a likelihood and an impact from 1 to 5. Its severity comes from\n\
         likelihood x impact:\n\n",
    );
    for (level, lo, hi) in bands::BANDS {
        s.push_str(&format!("  {:<9} {lo:>2}-{hi:<2}\n", level.as_str()));
    }
    s.push('\n');
    s.push_str(score::SCHEME);
    s
}
