//! Local images a file names outside its own folder (issue 16 item 9): a CSV from someone else
//! must not publish `../../home/u/Pictures/id.jpg`. Such rows are refused with
//! `media_outside_folder`, the preview lists each image once by its canonical path, and only the
//! images the user allowed (or every image, from the CLI's `--allow-media-outside`) are read.

use std::path::Path;
use std::process::Command;

use pinpace_engine::import::{
    self, ImportFormat, ImportMode, ImportOptions, ImportSource, RowStatus,
};

use super::{codes, job_count, now, options, preview, setup, write, PNG};

fn statuses(report: &import::ImportReport) -> Vec<(u64, RowStatus)> {
    report.rows.iter().map(|r| (r.row, r.status)).collect()
}

#[test]
fn images_outside_the_files_folder_are_listed_and_refused_until_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let csvs = root.join("csvs");
    std::fs::create_dir_all(csvs.join("img")).unwrap();
    std::fs::write(csvs.join("img/inside.png"), PNG).unwrap();
    std::os::unix::fs::symlink(root.join("salad.png"), csvs.join("link.png")).unwrap();
    let elsewhere = root.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("id.png"), PNG).unwrap();
    let salad = root.join("salad.png").display().to_string();
    let id_png = elsewhere.join("id.png").display().to_string();
    let src = write(
        &csvs,
        "pins.csv",
        &format!(
            "media,board,title\n\
             img/inside.png,Recipes,Inside\n\
             ../salad.png,Recipes,Up\n\
             {salad},Recipes,Absolute\n\
             link.png,Recipes,Link\n\
             ../elsewhere/id.png,Recipes,Id\n"
        ),
    );

    let report = preview(&mut store, &src, a);
    assert_eq!(report.rows.len(), 5, "{:?}", statuses(&report));
    let by_row = |row: u64| report.rows.iter().find(|r| r.row == row).unwrap();
    assert_eq!(by_row(2).status, RowStatus::Ok);
    for row in 3..=6 {
        let r = by_row(row);
        assert_eq!(r.status, RowStatus::Invalid, "row {row}: {r:?}");
        assert_eq!(
            serde_json::to_value(r.issues[0].code).unwrap(),
            "media_outside_folder",
            "row {row}: {r:?}"
        );
    }
    // Three spellings of salad.png are one image; id.png is the other.
    assert_eq!(report.outside_media, vec![salad.clone(), id_png.clone()]);
    assert_eq!(report.outside_media_count, 2);

    // Allowing salad.png lets its three rows in (each with a warning) and keeps id.png out.
    let allow_salad = ImportOptions {
        allowed_outside_media: vec![salad.clone()],
        ..options(a)
    };
    let report = import::commit(
        &mut store,
        &src,
        &allow_salad,
        ImportMode::AllValidRows,
        now(),
        &mut |_| {},
    )
    .unwrap();
    assert!(report.committed);
    assert_eq!(report.counts.pins_created, 4, "{report:#?}");
    assert_eq!(report.counts.invalid, 1);
    assert_eq!(report.counts.warned, 3);
    assert_eq!(job_count(&store), 4);
    let id_row = report.rows.iter().find(|r| r.row == 6).unwrap();
    assert_eq!(id_row.status, RowStatus::Invalid);
}

#[test]
fn bytes_without_a_folder_need_every_local_image_allowed_and_a_fifo_is_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let salad = std::fs::canonicalize(dir.path().join("salad.png")).unwrap();
    let fifo = dir.path().join("pipe.png");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let text = format!(
        "media,board,title\n{},Recipes,Pasted\n{},Recipes,Pipe\n",
        salad.display(),
        fifo.display()
    );
    let src = ImportSource::bytes(text.clone(), ImportFormat::Auto);
    let report = preview(&mut store, &src, a);
    assert_eq!(report.counts.invalid, 2);
    assert!(codes(&report).contains("media_outside_folder"));
    // The FIFO is refused as not a regular file (opening it would block the import forever).
    let pipe = report.rows.iter().find(|r| r.row == 3).unwrap();
    assert_eq!(
        serde_json::to_value(pipe.issues[0].code).unwrap(),
        "unreadable_media"
    );
    assert!(pipe.issues[0].message.contains("not a regular file"));
    assert_eq!(report.outside_media, vec![salad.display().to_string()]);

    // A base folder given by the caller is an inside.
    let with_base = ImportSource {
        base_dir: Some(dir.path().to_path_buf()),
        ..ImportSource::bytes(text, ImportFormat::Auto)
    };
    let report = preview(&mut store, &with_base, a);
    assert_eq!(report.counts.valid, 1, "{report:#?}");
    assert_eq!(report.outside_media_count, 0);
}

#[test]
fn the_cli_refuses_outside_images_unless_told_to_allow_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cli = |args: &[&str]| {
        let a = crate::support::cli_run::run(&data, args, None);
        (a.ok, a.output)
    };
    let (ok, added) = cli(&["account", "add", "--name", "Studio", "--env", "sandbox"]);
    assert!(ok);
    let id = added["account_id"].as_i64().unwrap().to_string();
    let pictures = dir.path().join("Pictures");
    std::fs::create_dir(&pictures).unwrap();
    std::fs::write(pictures.join("id.png"), PNG).unwrap();
    let csvs = dir.path().join("downloads");
    std::fs::create_dir(&csvs).unwrap();
    let file = csvs.join("pins.csv");
    std::fs::write(
        &file,
        "Title,Media URL,Pinterest board,Publish date\nA,../Pictures/id.png,111,2030-01-01 09:00\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (ok, report) = cli(&["import", f, "--account", &id, "--dry-run"]);
    assert!(!ok, "{report}");
    assert_eq!(report["counts"]["invalid"], 1);
    assert_eq!(report["outside_media_count"], 1);
    let listed = report["outside_media"][0].as_str().unwrap().to_string();
    assert!(Path::new(&listed).ends_with("Pictures/id.png"), "{listed}");
    let (ok, report) = cli(&[
        "import",
        f,
        "--account",
        &id,
        "--dry-run",
        "--allow-media-outside",
    ]);
    assert!(ok, "{report}");
    assert_eq!(report["counts"]["valid"], 1, "{report}");
    assert_eq!(report["outside_media_count"], 1);
}
