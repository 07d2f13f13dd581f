//! The seller's reputation as the app computes it: Mercado Libre's thermometer rules per site
//! ([`sites`], data), the assessment and its forecast ([`assess`], a pure function of site,
//! sales history and today), and the history read from the store ([`history`]).

pub mod assess;
pub mod history;
pub mod sites;

pub use assess::{
    Assessment, ForecastDay, Leaving, Level, Rates, Sale, Tally, assess, assess_days,
};

#[cfg(test)]
mod tests;
