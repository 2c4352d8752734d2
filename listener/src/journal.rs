//! Durable memory of printed tickets, so a message the broker delivers again
//! (after a crash, a lost acknowledgement or a retried dispatch) is
//! acknowledged without printing twice.
//!
//! One JSON object per line in `<state_dir>/printed.jsonl`, appended and
//! fsynced before the MQTT acknowledgement is sent. Only the newest
//! `capacity` ids are kept: the file is rewritten to that size when it grows
//! past twice as many lines, and on every start (which also drops a line torn
//! by a power cut). The state directory is locked so two listeners never
//! share it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

const JOURNAL_FILE: &str = "printed.jsonl";
const LOCK_FILE: &str = "listener.lock";

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "another tabletap-listener is running with state dir {0} (it holds {LOCK_FILE}); stop it first, e.g. `systemctl stop tabletap-listener`"
    )]
    Locked(PathBuf),
    #[error(
        "journal {path}: {source} (check that the state dir exists and this user may write it)"
    )]
    Io { path: PathBuf, source: io::Error },
}

#[derive(Serialize, Deserialize)]
struct Entry {
    id: String,
    at: Timestamp,
}

pub struct Journal {
    path: PathBuf,
    file: File,
    /// Held open for the life of the journal: the OS releases the lock when
    /// the process dies, even on SIGKILL.
    _lock: File,
    capacity: usize,
    order: VecDeque<String>,
    printed: HashMap<String, Timestamp>,
    lines_in_file: usize,
}

impl Journal {
    /// Opens (or creates) the journal in `state_dir`, taking its lock.
    pub fn open(state_dir: &Path, capacity: usize) -> Result<Self, JournalError> {
        let io_error = |path: &Path| {
            let path = path.to_owned();
            move |source| JournalError::Io { path, source }
        };
        fs::create_dir_all(state_dir).map_err(io_error(state_dir))?;
        let lock_path = state_dir.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_error(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(JournalError::Locked(state_dir.to_owned()));
            }
            Err(TryLockError::Error(source)) => {
                return Err(JournalError::Io {
                    path: lock_path,
                    source,
                });
            }
        }

        let path = state_dir.join(JOURNAL_FILE);
        let (order, printed) = read_entries(&path, capacity).map_err(io_error(&path))?;
        rewrite(&path, &order, &printed).map_err(io_error(&path))?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io_error(&path))?;
        let lines_in_file = order.len();
        Ok(Self {
            path,
            file,
            _lock: lock,
            capacity,
            order,
            printed,
            lines_in_file,
        })
    }

    /// When the ticket printed, if it did.
    pub fn printed_at(&self, ticket_id: &str) -> Option<Timestamp> {
        self.printed.get(ticket_id).copied()
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Records a printed ticket durably (written and fsynced on return).
    pub fn record(&mut self, ticket_id: &str, at: Timestamp) -> Result<(), JournalError> {
        if self.printed.contains_key(ticket_id) {
            return Ok(());
        }
        let mut line = serde_json::to_vec(&Entry {
            id: ticket_id.to_owned(),
            at,
        })
        .map_err(io::Error::other)
        .map_err(|source| self.io_error(source))?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .map_err(|source| self.io_error(source))?;
        self.file
            .sync_data()
            .map_err(|source| self.io_error(source))?;
        self.lines_in_file += 1;

        self.order.push_back(ticket_id.to_owned());
        self.printed.insert(ticket_id.to_owned(), at);
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.printed.remove(&oldest);
            }
        }
        if self.lines_in_file > self.capacity * 2 {
            self.compact()?;
        }
        Ok(())
    }

    fn compact(&mut self) -> Result<(), JournalError> {
        rewrite(&self.path, &self.order, &self.printed).map_err(|source| self.io_error(source))?;
        self.file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|source| self.io_error(source))?;
        self.lines_in_file = self.order.len();
        Ok(())
    }

    fn io_error(&self, source: io::Error) -> JournalError {
        JournalError::Io {
            path: self.path.clone(),
            source,
        }
    }
}

type Entries = (VecDeque<String>, HashMap<String, Timestamp>);

/// Reads the newest `capacity` entries; unreadable lines (a write torn by a
/// power cut) are skipped.
fn read_entries(path: &Path, capacity: usize) -> io::Result<Entries> {
    let mut order = VecDeque::new();
    let mut printed = HashMap::new();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((order, printed)),
        Err(e) => return Err(e),
    };
    let mut skipped = 0usize;
    for line in BufReader::new(file).split(b'\n') {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        let Ok(entry) = serde_json::from_slice::<Entry>(&line) else {
            skipped += 1;
            continue;
        };
        if printed.insert(entry.id.clone(), entry.at).is_none() {
            order.push_back(entry.id);
        }
        if order.len() > capacity
            && let Some(oldest) = order.pop_front()
        {
            printed.remove(&oldest);
        }
    }
    if skipped > 0 {
        tracing::warn!(skipped, path = %path.display(), "skipped unreadable journal lines (a write cut short by a crash or power loss)");
    }
    Ok((order, printed))
}

/// Replaces the file atomically with exactly these entries.
fn rewrite(
    path: &Path,
    order: &VecDeque<String>,
    printed: &HashMap<String, Timestamp>,
) -> io::Result<()> {
    let temporary = path.with_extension("jsonl.tmp");
    let mut out = io::BufWriter::new(File::create(&temporary)?);
    for id in order {
        let at = printed[id];
        serde_json::to_writer(&mut out, &Entry { id: id.clone(), at })?;
        out.write_all(b"\n")?;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    fs::rename(&temporary, path)?;
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + second).unwrap()
    }

    #[test]
    fn remembers_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut journal = Journal::open(dir.path(), 100).unwrap();
            journal.record("a.pizza.0", at(1)).unwrap();
            journal.record("b.pizza.0", at(2)).unwrap();
            journal.record("a.pizza.0", at(3)).unwrap();
        }
        let journal = Journal::open(dir.path(), 100).unwrap();
        assert_eq!(journal.len(), 2);
        assert_eq!(journal.printed_at("a.pizza.0"), Some(at(1)));
        assert_eq!(journal.printed_at("c.pizza.0"), None);
    }

    #[test]
    fn keeps_only_the_newest_and_compacts() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open(dir.path(), 100).unwrap();
        for n in 0..450 {
            journal.record(&format!("t{n}"), at(n)).unwrap();
        }
        assert_eq!(journal.len(), 100);
        assert!(journal.printed_at("t349").is_none());
        assert!(journal.printed_at("t350").is_some());
        let lines = fs::read_to_string(dir.path().join(JOURNAL_FILE))
            .unwrap()
            .lines()
            .count();
        assert!(lines <= 200, "{lines} lines after compaction");
        drop(journal);
        let journal = Journal::open(dir.path(), 100).unwrap();
        assert_eq!(journal.len(), 100);
        assert!(journal.printed_at("t449").is_some());
    }

    #[test]
    fn survives_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut journal = Journal::open(dir.path(), 100).unwrap();
            journal.record("a", at(1)).unwrap();
        }
        let path = dir.path().join(JOURNAL_FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"id":"b","at":"2023-"#).unwrap();
        drop(file);
        let mut journal = Journal::open(dir.path(), 100).unwrap();
        journal.record("c", at(3)).unwrap();
        drop(journal);
        let journal = Journal::open(dir.path(), 100).unwrap();
        assert!(journal.printed_at("a").is_some());
        assert!(journal.printed_at("b").is_none());
        assert!(journal.printed_at("c").is_some());
    }

    #[test]
    fn one_listener_per_state_dir() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Journal::open(dir.path(), 100).unwrap();
        let second = Journal::open(dir.path(), 100);
        assert!(matches!(second, Err(JournalError::Locked(_))));
    }
}
