//! A network receipt printer on 127.0.0.1 for tests: records every job byte
//! it receives and answers DLE EOT status queries like an Epson-compatible
//! printer. It can be switched off (refuses connections), run out of paper,
//! have its cover open, or stop answering new connections after N jobs
//! ("stall") so a test can freeze the listener at a known point.

use super::escpos_text::read_jobs;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;
use tabletap_listener::render::{Block, Layout};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Ready,
    /// Powered off: nothing listens on the port.
    Off,
    PaperOut,
    CoverOpen,
}

#[derive(Default)]
struct State {
    mode: Option<Mode>,
    received: Vec<u8>,
    stall_after_jobs: Option<usize>,
    stalled_connections: usize,
}

pub struct VirtualPrinter {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

const CUT: &[u8] = &[0x1D, b'V', b'A', 0];

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

fn jobs_in(bytes: &[u8]) -> usize {
    bytes.windows(CUT.len()).filter(|w| *w == CUT).count()
}

impl VirtualPrinter {
    pub fn start(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind virtual printer");
        let addr = listener.local_addr().expect("printer address");
        let state = Arc::new(Mutex::new(State {
            mode: Some(mode),
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || accept_loop(listener, addr, state, stop))
        };
        Self {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        lock(&self.state).mode = Some(mode);
    }

    /// New connections after `jobs` complete jobs get no status answers.
    pub fn stall_after(&self, jobs: Option<usize>) {
        lock(&self.state).stall_after_jobs = jobs;
    }

    pub fn stalled_connections(&self) -> usize {
        lock(&self.state).stalled_connections
    }

    pub fn job_count(&self) -> usize {
        jobs_in(&lock(&self.state).received)
    }

    /// Complete jobs received so far, read back from ESC/POS.
    pub fn jobs(&self) -> Vec<Layout> {
        let received = lock(&self.state).received.clone();
        let end = received
            .windows(CUT.len())
            .rposition(|w| w == CUT)
            .map_or(0, |at| at + CUT.len());
        read_jobs(&received[..end], 48)
    }

    /// The ticket id printed in each job's footer, in print order.
    pub fn printed_ticket_ids(&self) -> Vec<String> {
        self.jobs()
            .iter()
            .map(|job| {
                job.blocks
                    .iter()
                    .find_map(|block| match block {
                        Block::Text { text, .. } => text.strip_prefix("ticket ").map(str::to_owned),
                        _ => None,
                    })
                    .expect("every ticket has a footer with its id")
            })
            .collect()
    }
}

impl Drop for VirtualPrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
) {
    let mut listener = Some(listener);
    let mut connections = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let off = lock(&state).mode == Some(Mode::Off);
        if off {
            listener = None;
        } else if listener.is_none() {
            listener = TcpListener::bind(addr).ok();
        }
        if let Some(l) = &listener {
            l.set_nonblocking(true).expect("nonblocking");
            match l.accept() {
                Ok((stream, _)) => {
                    let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
                    connections.push(std::thread::spawn(move || serve(stream, state, stop)));
                    continue;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {}
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for connection in connections {
        let _ = connection.join();
    }
}

/// Answers for DLE EOT n, per mode (bit patterns from the ESC/POS manual:
/// fixed bits 0x12, online/offline bit 3, cover bit 2, paper-end bits).
fn status_byte(mode: Mode, n: u8) -> u8 {
    match (mode, n) {
        (Mode::PaperOut | Mode::CoverOpen, 1) => 0x12 | 0x08,
        (Mode::PaperOut, 2) => 0x12 | 0x20,
        (Mode::CoverOpen, 2) => 0x12 | 0x04,
        (Mode::PaperOut, 4) => 0x12 | 0x60,
        _ => 0x12,
    }
}

fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>, stop: Arc<AtomicBool>) {
    let stalled = {
        let mut state = lock(&state);
        let stalled = state
            .stall_after_jobs
            .is_some_and(|n| jobs_in(&state.received) >= n);
        if stalled {
            state.stalled_connections += 1;
        }
        stalled
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        let mode = lock(&state).mode.unwrap_or(Mode::Ready);
        if mode == Mode::Off {
            return;
        }
        let read = match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            Err(_) => return,
        };
        pending.extend_from_slice(&buf[..read]);
        let mut data = Vec::new();
        let mut i = 0;
        while i < pending.len() {
            if pending[i] == 0x10 {
                if pending.len() < i + 3 {
                    break;
                }
                assert_eq!(
                    pending[i + 1],
                    0x04,
                    "only DLE EOT real-time commands are expected"
                );
                let n = pending[i + 2];
                if !stalled {
                    let _ = stream.write_all(&[status_byte(mode, n)]);
                }
                i += 3;
            } else {
                data.push(pending[i]);
                i += 1;
            }
        }
        pending.drain(..i);
        if !data.is_empty() {
            lock(&state).received.extend_from_slice(&data);
        }
    }
}
