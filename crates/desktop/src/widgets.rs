//! Small pieces both apps draw the same way: a text field a screen reader (and kittest) finds by
//! its label, the dismissable notice bar, and a decoded RGBA frame moved into a texture.

use egui::{Response, TextureHandle, TextureOptions, Ui};

/// Width of the apps' labelled text fields.
pub const FIELD_WIDTH: f32 = 360.0;

/// A single-line text field with a label a screen reader (and kittest) can find it by; `secret`
/// hides what is typed.
pub fn labelled_field(ui: &mut Ui, label: &str, value: &mut String, secret: bool) -> Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(
            egui::TextEdit::singleline(value)
                .password(secret)
                .desired_width(FIELD_WIDTH),
        )
        .labelled_by(l.id)
    })
    .inner
}

/// Whether Enter was pressed to leave `field` (submitting a one-line form).
pub fn submitted(ui: &Ui, field: &Response) -> bool {
    field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// The bottom bar showing `notice` with a "Dismiss" button; true when it was dismissed.
pub fn notice_bar(ui: &mut Ui, notice: Option<&str>) -> bool {
    let Some(text) = notice else {
        return false;
    };
    let mut dismissed = false;
    egui::Panel::bottom("notice").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(text);
            dismissed = ui.small_button("Dismiss").clicked();
        });
    });
    dismissed
}

/// Puts a decoded RGBA frame (`size` = `[width, height]`, rows packed) into `slot`, creating the
/// texture named `name` on first use. Decoded video is opaque (alpha 255), so it is already
/// premultiplied: no per-pixel pass.
pub fn show_rgba_frame(
    ctx: &egui::Context,
    slot: &mut Option<TextureHandle>,
    name: &str,
    size: [usize; 2],
    rgba: &[u8],
) {
    let image = egui::ColorImage::from_rgba_premultiplied(size, rgba);
    match slot {
        Some(t) => t.set(image, TextureOptions::LINEAR),
        None => *slot = Some(ctx.load_texture(name, image, TextureOptions::LINEAR)),
    }
}
