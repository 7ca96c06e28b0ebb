//! The left column: search over every transcript, and the threads with unread counts.

use eframe::egui;

use super::clock;
use crate::app::PlayerApp;

pub fn show(app: &mut PlayerApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        let l = ui.label("Search");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut app.search_query)
                    .hint_text("words said in any video")
                    .desired_width(180.0),
            )
            .labelled_by(l.id);
        let go = ui.button("Go").clicked();
        if go || (r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))) {
            app.run_search();
        }
    });
    if let Some(hits) = app.search_hits.clone() {
        ui.horizontal(|ui| {
            ui.label(format!("{} results", hits.len()));
            if ui.small_button("Clear").clicked() {
                app.search_hits = None;
            }
        });
        egui::ScrollArea::vertical()
            .id_salt("hits")
            .max_height(260.0)
            .show(ui, |ui| {
                for h in &hits {
                    let snippet = h.snippet.replace("<mark>", "[").replace("</mark>", "]");
                    let text = format!(
                        "{} › {} at {}\n{}",
                        h.thread_title,
                        h.title,
                        clock(h.start_ms),
                        snippet
                    );
                    if ui
                        .add(egui::Button::selectable(false, text).wrap())
                        .on_hover_text("Play from here")
                        .clicked()
                    {
                        app.open_hit(h);
                    }
                }
            });
        ui.separator();
    }
    ui.heading("Threads");
    if let Some(e) = &app.threads_error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("Could not load threads: {e}"),
        );
    }
    let mut pick = None;
    egui::ScrollArea::vertical()
        .id_salt("threads")
        .show(ui, |ui| {
            for t in &app.threads {
                let label = if t.unread_count > 0 {
                    format!("{} ({} new)", t.title, t.unread_count)
                } else {
                    t.title.clone()
                };
                let text = if t.unread_count > 0 {
                    egui::RichText::new(label).strong()
                } else {
                    egui::RichText::new(label)
                };
                if ui
                    .add(egui::Button::selectable(
                        app.selected_thread == Some(t.id),
                        text,
                    ))
                    .clicked()
                {
                    pick = Some(t.id);
                }
            }
            if app.threads.is_empty() {
                ui.label(egui::RichText::new("No threads yet.").weak());
            }
        });
    if let Some(id) = pick {
        app.select_thread(id);
    }
}
