//! The command line on IATI files: told from the content, imported once, warnings and refusals with
//! their positions, `validate` writing nothing.

use std::path::Path;

use crate::server::run;

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/iati/activity-standard-example-annotated.xml").display().to_string()
}

fn export(data: &str) -> String {
    crate::cli::export(Path::new(data))
}

#[test]
fn an_iati_file_is_told_from_its_content_and_importing_it_again_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data").display().to_string();
    let first = run(&["import", "--data", &data, &fixture()]);
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{said}{}", String::from_utf8_lossy(&first.stderr));
    assert!(said.contains("1 activities read (0 skipped), 6 nodes and 5 edges mapped, 0 warning(s)"), "{said}");
    assert!(said.contains("imported: 6 nodes created, 0 updated, 0 unchanged; 5 edges created, 0 updated, 0 unchanged"), "{said}");
    let exported = export(&data);
    let second = run(&["import", "--data", &data, "--format", "iati", &fixture()]);
    let said = String::from_utf8_lossy(&second.stdout);
    assert!(said.contains("imported: 0 nodes created, 0 updated, 1 unchanged; 0 edges created, 0 updated, 5 unchanged"), "{said}");
    assert_eq!(export(&data), exported);
}

#[test]
fn warnings_and_refusals_name_their_line_and_column_and_a_refused_file_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data").display().to_string();
    let messy = dir.path().join("messy.xml");
    std::fs::write(
        &messy,
        "<iati-activities>\n<iati-activity default-currency=\"\">\n<iati-identifier>XX-1</iati-identifier>\n<title><narrative>T</narrative></title>\n  <participating-org ref=\"NGO\" role=\"Funding\"><narrative>Friends</narrative></participating-org>\n</iati-activity>\n</iati-activities>\n",
    )
    .expect("write");
    let messy = messy.display().to_string();
    let checked = run(&["validate", &messy]);
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.status.success(), "warnings do not fail validation: {report}");
    assert!(report.contains("messy.xml:2:1: warning: empty attribute `default-currency` on <iati-activity>"), "{report}");
    assert!(report.contains("messy.xml:5:3: warning: `ref` `NGO` is not an IATI organisation identifier"), "{report}");
    assert!(report.contains("messy.xml: 1 × empty attribute"), "{report}");
    assert!(!Path::new(&data).exists(), "validate opens no store");

    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<iati-activities>\n<iati-activity>\n  <title><narrative>T</title>\n").expect("write");
    let broken = broken.display().to_string();
    let checked = run(&["validate", &broken]);
    assert_eq!(checked.status.code(), Some(1));
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(report.contains("broken.xml: line 3, column 22: not well-formed XML"), "{report}");

    assert!(run(&["import", "--data", &data, &messy]).status.success());
    let before = export(&data);
    let refused = run(&["import", "--data", &data, &broken]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nothing was imported from this file"));
    let html = dir.path().join("page.html");
    std::fs::write(&html, "<html><body/></html>").expect("write");
    let refused = run(&["import", "--data", &data, &html.display().to_string()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 1, column 1: not an IATI file: the root element is <html>"));
    let as_jsonl = run(&["import", "--data", &data, "--format", "jsonl", &messy]);
    assert_eq!(as_jsonl.status.code(), Some(1), "--format overrides the content");
    assert_eq!(export(&data), before);
}

#[test]
fn a_terminal_is_shown_the_progress_of_a_large_import_and_a_pipe_is_not() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("activities.xml").display().to_string();
    let generated = run(&["bench-data", "--format", "iati", "--activities", "10000", "--out", &file]);
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    // `script` (util-linux) runs the import on a pseudo-terminal, as a person at a terminal would.
    let data = dir.path().join("tty").display().to_string();
    let command = format!("{} import --data {data} {file}", crate::server::binary().display());
    let on_terminal = std::process::Command::new("script").args(["-qec", &command, "/dev/null"]).output().expect("script (util-linux)");
    let seen = String::from_utf8_lossy(&on_terminal.stdout);
    assert!(on_terminal.status.success(), "{seen}");
    assert!(seen.contains("activities.xml [") && seen.contains("B/s") && seen.contains("left"), "a progress bar: {seen}");
    let drawn = seen.split(['\r', '\n']).filter(|line| line.contains("activities.xml ["));
    assert!(drawn.clone().any(|line| line.contains(" activities ")), "the bar counts the activities read: {seen}");
    assert!(seen.contains("imported: "), "the summary follows: {seen}");
    // Through a pipe: the summary alone, nothing drawn.
    let piped = run(&["import", "--data", &dir.path().join("pipe").display().to_string(), &file]);
    assert!(piped.status.success());
    assert!(piped.stderr.is_empty(), "{}", String::from_utf8_lossy(&piped.stderr));
    assert!(String::from_utf8_lossy(&piped.stdout).contains("10000 activities read (0 skipped)"));
}
