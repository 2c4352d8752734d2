//! Exponential backoff with jitter, for reconnecting to the broker and for
//! retrying a printer that is off: quick first retries so a blip costs
//! little, a cap so recovery is noticed soon, and jitter so a whole fleet of
//! kitchens does not reconnect in the same second after an outage.

use crate::config::BackoffConfig;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(config: BackoffConfig) -> Self {
        Self {
            initial: config.initial(),
            max: config.max(),
            next: config.initial(),
        }
    }

    /// The pause before the next attempt: the current step, doubled for the
    /// following call, with up to 20% taken off at random.
    pub fn next_delay(&mut self) -> Duration {
        let step = self.next;
        self.next = (self.next * 2).min(self.max);
        let jitter = step.mul_f64(fastrand::f64() * 0.2);
        step - jitter
    }

    /// Back to the first step after a success.
    pub fn reset(&mut self) {
        self.next = self.initial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_resets() {
        let mut backoff = Backoff::new(BackoffConfig {
            initial_ms: 100,
            max_ms: 350,
        });
        let steps: Vec<_> = (0..4).map(|_| backoff.next_delay().as_millis()).collect();
        assert!((80..=100).contains(&steps[0]), "{steps:?}");
        assert!((160..=200).contains(&steps[1]), "{steps:?}");
        assert!((280..=350).contains(&steps[2]), "{steps:?}");
        assert!((280..=350).contains(&steps[3]), "{steps:?}");
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_millis(100));
    }
}
