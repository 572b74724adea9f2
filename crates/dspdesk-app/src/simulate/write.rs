//! Writing the files: a buffered output that names its path in errors, and the
//! sink that writes each day's station batches in order and keeps the COD they
//! collected.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::SimError;
use super::day::StationDay;
use super::remit::Collection;

/// An output file.
pub(super) struct Out {
    path: PathBuf,
    w: BufWriter<File>,
}

impl Out {
    pub(super) fn create(path: &Path) -> Result<Out, SimError> {
        let f = File::create(path).map_err(|source| SimError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Out {
            path: path.to_path_buf(),
            w: BufWriter::with_capacity(4 << 20, f),
        })
    }

    pub(super) fn write(&mut self, b: &[u8]) -> Result<(), SimError> {
        self.w.write_all(b).map_err(|source| SimError::Io {
            path: self.path.clone(),
            source,
        })
    }

    pub(super) fn finish(&mut self) -> Result<(), SimError> {
        self.w.flush().map_err(|source| SimError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

/// Where the station-days go: deliveries and routes to their files, the COD
/// collected kept for the remittances.
pub(super) struct Sink {
    pub(super) deliveries: Out,
    pub(super) routes: Out,
    pub(super) collections: Vec<Collection>,
    pub(super) delivery_rows: u64,
    pub(super) route_rows: u64,
}

impl Sink {
    pub(super) fn take(&mut self, batch: Vec<StationDay>) -> Result<(), SimError> {
        for sd in batch {
            self.deliveries.write(&sd.deliveries)?;
            self.routes.write(&sd.routes)?;
            self.delivery_rows += sd.delivery_rows;
            self.route_rows += sd.route_rows;
            self.collections
                .extend(sd.cod.iter().map(|&(slot, paise)| Collection {
                    day: sd.day,
                    station: sd.station,
                    slot,
                    paise,
                }));
        }
        Ok(())
    }
}
