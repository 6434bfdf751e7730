//! Which local images a file may name. A CSV or JSON someone else wrote can point `media` at any
//! PNG or JPEG on the machine (`../../home/u/Pictures/id.jpg`), and an import would publish it:
//! so an image is taken without asking only when it lies under the file's own folder (or the
//! folder the caller named as `base_dir`), judged on the canonical path, so `..` and symbolic
//! links that lead out count as out. Any other image makes its row an error
//! (`media_outside_folder`) unless the user allowed that image (by its canonical path, as the
//! preview listed it) or every image (`pinpace-cli import --allow-media-outside`). Bytes with no
//! folder (a paste, a drop) have no inside: every local image in them needs allowing.
//!
//! The preview lists the distinct outside images (the first `LISTED`, with the total), so the
//! user sees what would be read before allowing it. Images outside are not opened before they are
//! allowed. The distinct count keeps an 8-byte hash per image, not the paths.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::ImportOptions;

/// Outside images listed in a report; the rest are counted.
pub const LISTED: usize = 100;

/// Where an image lies, as far as this import is concerned.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    Inside,
    /// Outside the folder, and the user allowed it.
    Allowed,
    /// Outside the folder, not allowed: the row is refused.
    Refused,
}

pub(crate) struct MediaScope {
    /// The canonical folder images may be in; `None` when the input has none.
    folder: Option<PathBuf>,
    allowed: HashSet<PathBuf>,
    allow_any: bool,
    seen: HashSet<u64>,
    /// The first `LISTED` distinct outside images, in file order.
    pub listed: Vec<String>,
    /// Distinct outside images named by the file.
    pub count: u64,
}

impl MediaScope {
    pub fn new(folder: Option<&Path>, options: &ImportOptions) -> Self {
        MediaScope {
            // A folder that cannot be resolved has no inside: every image needs allowing.
            folder: folder.and_then(|f| std::fs::canonicalize(f).ok()),
            allowed: options
                .allowed_outside_media
                .iter()
                .map(PathBuf::from)
                .collect(),
            allow_any: options.allow_any_outside_media,
            seen: HashSet::new(),
            listed: Vec::new(),
            count: 0,
        }
    }

    /// The folder, for messages.
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_deref()
    }

    /// Where `canonical` (a resolved path) lies; an outside image is counted and listed.
    pub fn place(&mut self, canonical: &Path) -> Placement {
        if self
            .folder
            .as_deref()
            .is_some_and(|f| canonical.starts_with(f))
        {
            return Placement::Inside;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        canonical.hash(&mut h);
        if self.seen.insert(h.finish()) {
            self.count += 1;
            if self.listed.len() < LISTED {
                self.listed.push(canonical.display().to_string());
            }
        }
        if self.allow_any || self.allowed.contains(canonical) {
            Placement::Allowed
        } else {
            Placement::Refused
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_images_under_the_folder_are_inside_and_each_outside_one_is_counted_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let csv_dir = root.join("csv");
        std::fs::create_dir(&csv_dir).unwrap();
        let options = ImportOptions {
            allowed_outside_media: vec![root.join("ok.png").display().to_string()],
            ..Default::default()
        };
        let mut scope = MediaScope::new(Some(&csv_dir), &options);
        assert_eq!(scope.place(&csv_dir.join("a/b.png")), Placement::Inside);
        assert_eq!(scope.place(&root.join("csvx/b.png")), Placement::Refused);
        assert_eq!(scope.place(&root.join("csvx/b.png")), Placement::Refused);
        assert_eq!(scope.place(&root.join("ok.png")), Placement::Allowed);
        assert_eq!(scope.count, 2);
        assert_eq!(scope.listed.len(), 2);

        let mut no_folder = MediaScope::new(None, &ImportOptions::default());
        assert_eq!(no_folder.place(&csv_dir.join("a.png")), Placement::Refused);
        let any = ImportOptions {
            allow_any_outside_media: true,
            ..Default::default()
        };
        assert_eq!(
            MediaScope::new(Some(&csv_dir), &any).place(Path::new("/etc/x.png")),
            Placement::Allowed
        );
    }
}
