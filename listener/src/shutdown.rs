//! One shutdown signal for every task: Ctrl-C or SIGTERM (systemd's stop)
//! flips a watch channel that the MQTT loop and the printer workers select on.

use tokio::sync::watch;

#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A signal that trips when the process gets Ctrl-C or SIGTERM.
    pub fn on_signals() -> std::io::Result<Self> {
        let (trigger, shutdown) = Self::manual();
        #[cfg(unix)]
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::spawn(async move {
            #[cfg(unix)]
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            #[cfg(not(unix))]
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!(
                "shutdown requested: finishing the job in hand, unprinted tickets stay queued at the broker"
            );
            let _ = trigger.send(true);
        });
        Ok(shutdown)
    }

    /// A signal tripped by hand (tests, and the code above).
    pub fn manual() -> (watch::Sender<bool>, Self) {
        let (sender, receiver) = watch::channel(false);
        (sender, Self(receiver))
    }

    pub fn is_requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once shutdown is requested.
    pub async fn requested(&mut self) {
        // An error means the sender is gone, which only happens at exit.
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}
