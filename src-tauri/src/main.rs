//! Threatwright desktop shell: Tauri 2 commands over the core's `session` module and
//! nothing else. Every command returns the core's answer or its `Failure`
//! (`{code, message}`); no domain logic lives here. Files are read and written only
//! through these commands, at paths the user chose in a native dialog shown from Rust
//! (the web view gets no file-system or dialog permission of its own). Commands that do
//! work are `async`: Tauri runs them off the main thread, so the window never freezes
//! while the core analyses or writes a report.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// A release build serves the UI embedded in the binary. Without `custom-protocol` it would
// load the development server's address instead, and whatever local process answered
// there would get the app's IPC: such a build is refused.
#[cfg(all(not(debug_assertions), not(feature = "custom-protocol")))]
compile_error!(
    "a release build of the desktop app must embed its UI: build it with `--features custom-protocol` (as `make desktop` and the tauri CLI do)"
);

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::{Manager, State};
use tauri_plugin_dialog::DialogExt;
use threatwright::io::import::Report as ImportReport;
use threatwright::session::edit::{Clipboard, Edit};
use threatwright::session::view::{DocumentView, Outcome, ThreatRow};
use threatwright::session::vocabulary::Vocabulary;
use threatwright::session::{self, Action, ExportOptions, Failure, FailureCode, Session};
use threatwright::session::{AppInfo, CompareView, CompareWith, ImportKind, PathPurpose};

/// The open document and the paths the user chose in this run.
struct AppState {
    session: Mutex<Option<Session>>,
    /// Paths returned by a dialog, each with what it was chosen for: the only places
    /// commands open or write, each used once and only for that purpose.
    chosen: Mutex<HashMap<PathBuf, PathPurpose>>,
    /// Where recent files are remembered.
    recent_file: Option<PathBuf>,
    /// What went wrong opening the file named on the command line, for the start screen.
    startup_problem: Option<String>,
}

type R<T> = Result<T, Failure>;

fn internal(e: impl std::fmt::Display) -> Failure {
    Failure::new(FailureCode::Internal, e.to_string())
}

fn with_session<T>(state: &State<'_, AppState>, f: impl FnOnce(&mut Session) -> R<T>) -> R<T> {
    let mut guard = state.session.lock().map_err(internal)?;
    let s = guard.as_mut().ok_or_else(|| Failure::new(FailureCode::Nothing, "no document is open"))?;
    f(s)
}

fn who() -> String {
    let config = threatwright::config::load().unwrap_or_default();
    threatwright::config::who(&config)
}

fn library() -> R<threatwright::rules::Library> {
    session::builtin_library().map_err(|e| Failure::new(FailureCode::Internal, e))
}

/// Whether `path` was chosen in a dialog for a purpose `fits` accepts; it stays chosen.
fn allowed(state: &State<'_, AppState>, path: &Path, fits: impl Fn(PathPurpose) -> bool) -> R<()> {
    match state.chosen.lock().map_err(internal)?.get(path) {
        Some(&purpose) if fits(purpose) => Ok(()),
        Some(&purpose) => Err(Failure::new(
            FailureCode::File,
            format!("{}: chosen to {}, not for this", path.display(), purpose.verb()),
        )),
        None => Err(Failure::new(FailureCode::File, format!("{}: not a path chosen in a dialog", path.display()))),
    }
}

/// [`allowed`], and used up: the same path needs a new dialog to be used again.
fn take(state: &State<'_, AppState>, path: &Path, fits: impl Fn(PathPurpose) -> bool) -> R<()> {
    allowed(state, path, fits)?;
    state.chosen.lock().map_err(internal)?.remove(path);
    Ok(())
}

fn opened(state: &State<'_, AppState>, mut s: Session) -> R<DocumentView> {
    let view = s.show()?;
    if let Some(f) = &state.recent_file {
        session::recent::remember(f, s.path());
    }
    *state.session.lock().map_err(internal)? = Some(s);
    Ok(view)
}

#[tauri::command]
fn app_info(state: State<'_, AppState>) -> AppInfo {
    let recent = state.recent_file.as_deref().map(session::recent::load).unwrap_or_default();
    session::app_info(recent, state.startup_problem.clone())
}

/// Shows a native dialog (from Rust) and remembers the answer as a path permitted for
/// `purpose`.
#[tauri::command]
async fn choose_path(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    purpose: PathPurpose,
    suggested: String,
) -> R<Option<String>> {
    let suggested = Path::new(&suggested).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    #[cfg(debug_assertions)]
    let test_answer = e2e::answer(purpose, &suggested)?;
    #[cfg(not(debug_assertions))]
    let test_answer: Option<PathBuf> = None;
    let picked = match test_answer {
        Some(path) => Some(path),
        None => {
            let (label, exts) = purpose.filter();
            let dialog = app.dialog().file().add_filter(label, exts).set_file_name(&suggested);
            let answer = if purpose.is_save() { dialog.blocking_save_file() } else { dialog.blocking_pick_file() };
            answer.and_then(|p| p.into_path().ok())
        }
    };
    let Some(path) = picked else { return Ok(None) };
    state.chosen.lock().map_err(internal)?.insert(path.clone(), purpose);
    Ok(Some(path.display().to_string()))
}

/// End-to-end tests drive the app through WebDriver, which cannot reach native dialogs:
/// with `THREATWRIGHT_E2E_DIR` set, a dialog answers the suggested name in that folder,
/// or, for a file to read, the name the test wrote in its `.e2e-open`. Compiled into
/// debug builds only: a release build has no way around its dialogs.
#[cfg(debug_assertions)]
mod e2e {
    use super::*;

    pub fn answer(purpose: PathPurpose, suggested: &str) -> R<Option<PathBuf>> {
        let Some(dir) = std::env::var_os("THREATWRIGHT_E2E_DIR") else { return Ok(None) };
        let dir = PathBuf::from(dir);
        let name = if purpose.is_save() {
            suggested.to_owned()
        } else {
            std::fs::read_to_string(dir.join(".e2e-open")).unwrap_or_default().trim().to_owned()
        };
        // A plain name inside the folder: no separators, no `..`, nothing absolute.
        if name.is_empty() || Path::new(&name).file_name() != Some(std::ffi::OsStr::new(&name)) {
            return Err(Failure::new(FailureCode::File, format!("{name:?}: not a file name inside the test folder")));
        }
        Ok(Some(dir.join(name)))
    }
}

#[tauri::command]
async fn new_model(state: State<'_, AppState>, path: String, name: String) -> R<DocumentView> {
    let path = PathBuf::from(path);
    take(&state, &path, |p| p == PathPurpose::NewProject)?;
    close(&state)?;
    let model = threatwright::model::Model::new(name.trim());
    opened(&state, Session::create(&path, &model, library()?, &who())?)
}

#[tauri::command]
async fn open_example(state: State<'_, AppState>, name: String, path: String) -> R<DocumentView> {
    let path = PathBuf::from(path);
    take(&state, &path, |p| p == PathPurpose::NewProject)?;
    close(&state)?;
    let model = session::example(&name)?;
    opened(&state, Session::create(&path, &model, library()?, &who())?)
}

/// Opens a project file, or imports a model YAML into a new project file at `into`.
#[tauri::command]
async fn open_file(state: State<'_, AppState>, path: String, into: Option<String>) -> R<DocumentView> {
    let path = PathBuf::from(path);
    let recent = state.recent_file.as_deref().map(session::recent::load).unwrap_or_default();
    if !recent.iter().any(|r| Path::new(r) == path) {
        take(&state, &path, |p| p == PathPurpose::Open)?;
    }
    close(&state)?;
    if session::is_project_file(&path) {
        return opened(&state, Session::open(&path, library()?, &who())?);
    }
    let into = PathBuf::from(into.ok_or_else(|| {
        Failure::new(FailureCode::Invalid, "a model YAML is imported into a new project file: choose where")
    })?);
    take(&state, &into, |p| p == PathPurpose::NewProject)?;
    let model = session::read_model_file(&path)?;
    opened(&state, Session::create(&into, &model, library()?, &who())?)
}

fn close(state: &State<'_, AppState>) -> R<()> {
    state.session.lock().map_err(internal)?.take();
    Ok(())
}

#[tauri::command]
async fn close_document(state: State<'_, AppState>) -> R<()> {
    close(&state)
}

#[tauri::command]
async fn get_view(state: State<'_, AppState>) -> R<DocumentView> {
    with_session(&state, |s| s.show())
}

#[tauri::command]
async fn edit(state: State<'_, AppState>, edit: Edit) -> R<Outcome> {
    with_session(&state, |s| s.edit(&edit))
}

/// Acts on the register; an approval signed with an SSH key names a key chosen in a
/// dialog for that.
#[tauri::command]
async fn act(state: State<'_, AppState>, action: Action) -> R<Outcome> {
    if let Action::SetStatus { sign_with: Some(key), .. }
    | Action::SignThreat { sign_with: Some(key), .. }
    | Action::SignModel { sign_with: Some(key), .. } = &action
    {
        take(&state, Path::new(key), |p| p == PathPurpose::SshKey)?;
    }
    with_session(&state, |s| s.act(&action))
}

#[tauri::command]
async fn undo(state: State<'_, AppState>) -> R<Outcome> {
    with_session(&state, |s| s.undo())
}

#[tauri::command]
async fn redo(state: State<'_, AppState>) -> R<Outcome> {
    with_session(&state, |s| s.redo())
}

#[tauri::command]
async fn preview_delete(state: State<'_, AppState>, keys: Vec<String>) -> R<Vec<ThreatRow>> {
    with_session(&state, |s| s.preview_delete(&keys))
}

#[tauri::command]
async fn copy(state: State<'_, AppState>, keys: Vec<String>) -> R<Clipboard> {
    with_session(&state, |s| s.copy(&keys))
}

#[tauri::command]
fn vocabulary() -> Vocabulary {
    session::vocabulary::vocabulary()
}

#[tauri::command]
async fn export_report(state: State<'_, AppState>, path: String, options: ExportOptions) -> R<Vec<String>> {
    let path = PathBuf::from(path);
    take(&state, &path, |p| p == PathPurpose::Report(options.format))?;
    with_session(&state, |s| s.export(&path, &options))
}

#[tauri::command]
async fn export_yaml(state: State<'_, AppState>, path: String) -> R<()> {
    let path = PathBuf::from(path);
    take(&state, &path, |p| p == PathPurpose::Yaml)?;
    with_session(&state, |s| s.export_yaml(&path))
}

/// Imports a file (another tool's model, an OpenAPI specification) and answers with the
/// import report, for the user to read before the model opens.
#[tauri::command]
async fn import_preview(state: State<'_, AppState>, kind: ImportKind, path: String) -> R<ImportReport> {
    let path = PathBuf::from(path);
    // Read for the preview; used up by `import_open`.
    allowed(&state, &path, |p| p == PathPurpose::Import(kind))?;
    Ok(session::import_file(kind, &path)?.report)
}

/// Imports the file into a new project file at `into` and opens it.
#[tauri::command]
async fn import_open(state: State<'_, AppState>, kind: ImportKind, path: String, into: String) -> R<DocumentView> {
    let (path, into) = (PathBuf::from(path), PathBuf::from(into));
    allowed(&state, &path, |p| p == PathPurpose::Import(kind))?;
    take(&state, &into, |p| p == PathPurpose::NewProject)?;
    take(&state, &path, |p| p == PathPurpose::Import(kind))?;
    let imported = session::import_file(kind, &path)?;
    close(&state)?;
    opened(&state, Session::create(&into, &imported.model, library()?, &who())?)
}

/// Merges a newer OpenAPI description (chosen in a dialog) into the open document.
#[tauri::command]
async fn import_merge(state: State<'_, AppState>, path: String) -> R<session::Merged> {
    let path = PathBuf::from(path);
    take(&state, &path, |p| p == PathPurpose::Import(ImportKind::Openapi))?;
    with_session(&state, |s| s.merge_openapi(&path))
}

/// Compares the open document with its latest baseline or with a file chosen in a dialog.
#[tauri::command]
async fn compare(state: State<'_, AppState>, with: CompareWith) -> R<CompareView> {
    if let CompareWith::File { path } = &with {
        take(&state, Path::new(path), |p| p == PathPurpose::Compare)?;
    }
    with_session(&state, |s| s.compare(&with))
}

/// WebKitGTK composites the page with OpenGL. Without a GPU (no DRI render node the user
/// may open: a virtual machine, a remote session, Xvfb in CI) that OpenGL is Mesa's
/// software rasteriser, and it cost more CPU than everything else in an edit: measured at 500 elements, WebKit's web
/// process and the rasteriser's threads took more than one of two cores while the core
/// worked (the core 33–39 ms median instead of 20 ms), and a register scroll ran at 44 ms
/// frames. Painting without compositing there: the core 21 ms in the app, scroll frames
/// 17 ms (BENCHMARKS.md). With a GPU, WebKit's default stays. A user's own setting of
/// `WEBKIT_DISABLE_COMPOSITING_MODE` wins either way.
#[cfg(target_os = "linux")]
fn paint_without_compositing_when_there_is_no_gpu() {
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some() {
        return;
    }
    // A render node this user may open (without the permission, Mesa falls back to
    // software as well).
    let gpu = std::fs::read_dir("/dev/dri")
        .map(|d| {
            d.flatten().any(|e| {
                e.file_name().to_string_lossy().starts_with("renderD")
                    && std::fs::OpenOptions::new().read(true).write(true).open(e.path()).is_ok()
            })
        })
        .unwrap_or(false);
    if !gpu {
        // SAFETY: called first thing in `main`, before any other thread exists, so nothing
        // reads the environment while it changes.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    paint_without_compositing_when_there_is_no_gpu();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let recent_file = app.path().app_config_dir().ok().map(|d| d.join("recent.json"));
            // `threatwright-desktop FILE.twdb` opens that project file (the user named it).
            // What is not a project file (a folder, a pipe, a missing file, another kind of
            // file) is refused before anything opens it; the start screen says why.
            let (mut session, mut startup_problem) = (None, None);
            if let Some(arg) = std::env::args_os().nth(1) {
                let path = PathBuf::from(arg);
                match library().and_then(|lib| Session::open(&path, lib, &who())) {
                    Ok(s) => {
                        if let Some(f) = &recent_file {
                            session::recent::remember(f, s.path());
                        }
                        session = Some(s);
                    }
                    Err(e) => {
                        eprintln!("threatwright-desktop: {}", e.message);
                        startup_problem = Some(e.message);
                    }
                }
            }
            app.manage(AppState {
                session: Mutex::new(session),
                chosen: Mutex::new(HashMap::new()),
                recent_file,
                startup_problem,
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            app_info,
            choose_path,
            new_model,
            open_example,
            open_file,
            close_document,
            get_view,
            edit,
            act,
            undo,
            redo,
            preview_delete,
            copy,
            vocabulary,
            export_report,
            export_yaml,
            compare,
            import_preview,
            import_open,
            import_merge,
        ])
        .run(tauri::generate_context!())
        .expect("the Threatwright window could not start");
}
