//! Training evolution (Leo's animations): frame by frame, a 2-unit hidden layer's space on the
//! left and the input-space probability mesh on the right. One SVG holds every frame; CSS plays
//! them without JavaScript (the last frame is the still image for print, reduced motion and
//! renderers without animation), and the page's script adds a scrubber. Stills of single
//! frames feed the GIF writer.

use std::fmt::Write as _;

use super::frame::{Axes, Plot, draw_frame};
use super::mesh::{Field, KEY_WIDTH, colour_key, contour, image_layer, key_label, path_data};
use super::scatter::{check_points, dots, points_layer};
use super::style::{FONT, INK};
use super::svg::{escape_xml, finish, id_of, num};
use super::{Class, FigureError, Meta};

/// One frame: the model after `epoch` epochs.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub epoch: usize,
    /// The loss logged for that epoch (None before training).
    pub loss: Option<f64>,
    /// Every point's hidden-layer output (h1, h2).
    pub hidden: Vec<[f64; 2]>,
    /// The output unit's p = 0.5 line in hidden space: w1·h1 + w2·h2 + b = 0.
    pub line: Option<[f64; 3]>,
    pub field: Field,
}

/// Options of an evolution figure.
#[derive(Debug, Clone)]
pub struct EvolutionOptions {
    pub title: Option<String>,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    pub hidden_labels: [String; 2],
    /// Hidden-panel limits, fixed over all frames.
    pub hidden_x: [f64; 2],
    pub hidden_y: [f64; 2],
    /// Seconds each frame is shown while playing.
    pub seconds: f64,
}

/// The animated SVG and, when asked for, one still SVG per frame.
#[derive(Debug, Clone)]
pub struct Evolution {
    pub svg: String,
    pub stills: Vec<String>,
}

const PANEL: u32 = 440;
const HEAD: f64 = 58.0;

/// A panel drawn by plotters, split into its background and the rest (axes and labels), so
/// frame layers can go between them.
struct Panel {
    plot: Plot,
    background: String,
    axes: String,
}

fn panel(axes: &Axes) -> Result<Panel, FigureError> {
    let plot = draw_frame(axes)?;
    let svg = &plot.svg;
    let body_start = svg.find('>').map_or(0, |i| i + 1);
    let body_end = svg.rfind("</svg>").unwrap_or(svg.len());
    let body = &svg[body_start..body_end];
    let (background, rest) = match body
        .find("<rect")
        .and_then(|i| body[i..].find("/>").map(|j| i + j + 2))
    {
        Some(end) => (body[..end].to_string(), body[end..].to_string()),
        None => (String::new(), body.to_string()),
    };
    Ok(Panel {
        plot,
        background,
        axes: rest,
    })
}

/// Width and height of a plotters frame.
fn size(p: &Plot) -> (f64, f64) {
    let head = p.svg.split('>').next().unwrap_or("");
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        head.find(&key)
            .and_then(|i| head[i + key.len()..].split('"').next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::from(PANEL))
    };
    (attr("width"), attr("height"))
}

/// The hidden-space line w1·h1 + w2·h2 + b = 0 across the panel (clipped by the caller).
fn line_path(plot: &Plot, [w1, w2, b]: [f64; 3]) -> Option<String> {
    let ends = if w2.abs() >= w1.abs() && w2 != 0.0 {
        plot.x.map(|h1| [h1, -(b + w1 * h1) / w2])
    } else if w1 != 0.0 {
        plot.y.map(|h2| [-(b + w2 * h2) / w1, h2])
    } else {
        return None;
    };
    if ends.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let (x0, y0) = plot.map(ends[0][0], ends[0][1]);
    let (x1, y1) = plot.map(ends[1][0], ends[1][1]);
    Some(format!("M{} {}L{} {}", num(x0), num(y0), num(x1), num(y1)))
}

/// Draw the evolution. With `stills`, also one still SVG per frame.
pub fn evolution(
    frames: &[Frame],
    points: &[[f64; 2]],
    class_of: &[usize],
    classes: &[Class],
    opts: &EvolutionOptions,
    meta: &Meta,
    stills: bool,
) -> Result<Evolution, FigureError> {
    check_points(points, class_of, classes)?;
    let Some(first) = frames.first() else {
        return Err(FigureError("an evolution needs at least one frame".into()));
    };
    for f in frames {
        check_points(&f.hidden, class_of, classes)?;
    }
    let left = panel(&Axes {
        title: Some("Hidden layer".into()),
        x_label: Some(opts.hidden_labels[0].clone()),
        y_label: Some(opts.hidden_labels[1].clone()),
        x: opts.hidden_x,
        y: opts.hidden_y,
        width: PANEL,
        height: PANEL,
        equal_aspect: false,
        fit_labels: false,
    })?;
    let right = panel(&Axes {
        title: Some("Input space: p(y = 1)".into()),
        x_label: opts.x_label.clone(),
        y_label: opts.y_label.clone(),
        x: first.field.x,
        y: first.field.y,
        width: PANEL,
        height: PANEL,
        equal_aspect: true,
        fit_labels: false,
    })?;
    let (lw, lh) = size(&left.plot);
    let (rw, rh) = size(&right.plot);
    let (width, height) = (lw + rw + KEY_WIDTH, HEAD + lh.max(rh));
    let id = id_of(meta);
    let (lclip, rclip) = (format!("{id}-l"), format!("{id}-r"));
    let at_left = format!("<g transform=\"translate(0 {})\">", num(HEAD));
    let at_right = format!("<g transform=\"translate({} {})\">", num(lw), num(HEAD));

    // Frame bodies (the same text in the animation and in the stills).
    let mut bodies = Vec::with_capacity(frames.len());
    for f in frames {
        let mut b = String::new();
        b.push_str(&at_left);
        let _ = write!(b, "<g clip-path=\"url(#{lclip}-clip)\">");
        if let Some(d) = f.line.and_then(|l| line_path(&left.plot, l)) {
            let _ = write!(
                b,
                "<path d=\"{d}\" stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" fill=\"none\"/>"
            );
        }
        b.push_str("</g>\n");
        b.push_str(&dots(&left.plot, &lclip, &f.hidden, class_of, classes));
        b.push_str("</g>\n");
        b.push_str(&at_right);
        b.push_str(&image_layer(&right.plot, &f.field)?);
        let _ = writeln!(
            b,
            "<path clip-path=\"url(#{rclip}-clip)\" d=\"{}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>",
            path_data(&right.plot, &contour(&f.field, 0.5))
        );
        b.push_str("</g>\n");
        let label = match f.loss {
            Some(loss) => format!("Epoch {} · loss {loss:.4}", f.epoch),
            None => format!("Epoch {} (untrained)", f.epoch),
        };
        let _ = writeln!(
            b,
            "<text x=\"{}\" y=\"46\" text-anchor=\"middle\" font-family=\"{FONT}\" font-size=\"14\" fill=\"{INK}\">{}</text>",
            num(width / 2.0),
            escape_xml(&label)
        );
        bodies.push(b);
    }

    // Static parts: backgrounds, clip paths, the input points, axes, title.
    let mut under = String::new();
    let _ = writeln!(
        under,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#FFFFFF\"/>",
        num(width),
        num(height)
    );
    for (at, p, clip) in [(&at_left, &left, &lclip), (&at_right, &right, &rclip)] {
        let _ = writeln!(under, "{at}{}{}</g>", p.background, p.plot.clip_path(clip));
    }
    if let Some(t) = &opts.title {
        let _ = writeln!(
            under,
            "<text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-family=\"{FONT}\" font-size=\"18\" fill=\"{INK}\">{}</text>",
            num(width / 2.0),
            escape_xml(t)
        );
    }
    let mut over = String::new();
    over.push_str(&at_right);
    over.push_str(&points_layer(
        &right.plot,
        &rclip,
        points,
        class_of,
        classes,
        3.0,
        1.0,
    ));
    over.push_str("</g>\n");
    let _ = writeln!(over, "{at_left}{}</g>", left.axes);
    let _ = writeln!(over, "{at_right}{}</g>", right.axes);
    over.push_str(&colour_key(
        lw + right.plot.px[1] + 16.0,
        HEAD + right.plot.py[1],
        HEAD + right.plot.py[0],
        &key_label(classes),
    )?);

    let head = format!(
        "<svg id=\"{id}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\">\n",
        num(width),
        num(height),
        num(width),
        num(height)
    );
    let n = frames.len();
    let period = opts.seconds * n as f64;
    let style = format!(
        "<style>#{id} .nn-frame{{visibility:hidden;animation:{id}-play {}s step-end infinite}}#{id} .nn-last{{visibility:visible}}@keyframes {id}-play{{0%{{visibility:visible}}{}%{{visibility:hidden}}100%{{visibility:hidden}}}}@media (prefers-reduced-motion:reduce){{#{id} .nn-frame{{animation:none}}}}</style>\n",
        num(period),
        num(100.0 / n as f64)
    );
    let compose = |still: Option<usize>| {
        let mut svg = head.clone();
        // `finish` puts its title and description after the first `<rect…/>`'s end; keep the
        // background first so the same call works for every figure.
        svg.push_str(&under);
        if still.is_none() {
            svg.push_str(&style);
        }
        for (k, (f, body)) in frames.iter().zip(&bodies).enumerate() {
            let class = if k + 1 == n {
                "nn-frame nn-last"
            } else {
                "nn-frame"
            };
            let extra = match still {
                None => format!(
                    " style=\"animation-delay:{}s\"",
                    num(opts.seconds * k as f64 - period)
                ),
                Some(s) if s == k => String::new(),
                Some(_) => " visibility=\"hidden\"".into(),
            };
            let _ = writeln!(
                svg,
                "<g class=\"{class}\" data-epoch=\"{}\"{extra}>\n{body}</g>",
                f.epoch
            );
        }
        svg.push_str(&over);
        svg.push_str("</svg>\n");
        finish(svg, meta, "", "")
    };
    Ok(Evolution {
        svg: compose(None),
        stills: if stills {
            (0..n).map(|k| compose(Some(k))).collect()
        } else {
            Vec::new()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(n: usize) -> Vec<Frame> {
        (0..n)
            .map(|k| {
                let mut field = Field {
                    nx: 20,
                    ny: 20,
                    x: [-3.0, 3.0],
                    y: [-3.0, 3.0],
                    p: Vec::new(),
                };
                for j in 0..20 {
                    for i in 0..20 {
                        let [x, _] = field.centre(i, j);
                        field.p.push(1.0 / (1.0 + (-(x - k as f64 * 0.1)).exp()));
                    }
                }
                Frame {
                    epoch: k * 10,
                    loss: (k > 0).then_some(0.5 / k as f64),
                    hidden: vec![[0.1 * k as f64, 0.2], [0.3, 0.4]],
                    line: Some([1.0, -1.0, 0.1]),
                    field,
                }
            })
            .collect()
    }

    fn draw(n: usize, stills: bool) -> Evolution {
        let classes = [
            Class {
                name: "y=0".into(),
                color: None,
            },
            Class {
                name: "y=1".into(),
                color: None,
            },
        ];
        evolution(
            &frames(n),
            &[[0.0, 0.0], [1.0, 1.0]],
            &[0, 1],
            &classes,
            &EvolutionOptions {
                title: Some("Activation: ReLU | <lr>".into()),
                x_label: Some("X0".into()),
                y_label: Some("X1".into()),
                hidden_labels: ["h1".into(), "h2".into()],
                hidden_x: [0.0, 2.0],
                hidden_y: [0.0, 2.0],
                seconds: 0.5,
            },
            &Meta {
                id: "leo-anim-relu-0.1".into(),
                title: "t".into(),
                desc: "d".into(),
            },
            stills,
        )
        .unwrap()
    }

    #[test]
    fn one_group_per_frame_and_the_last_is_the_still() {
        let e = draw(5, true);
        let svg = &e.svg;
        assert!(svg.starts_with("<svg id=\"nn-leo-anim-relu-0-1\""));
        assert_eq!(svg.matches("class=\"nn-frame").count(), 5);
        assert_eq!(
            svg.matches("nn-last").count(),
            2,
            "the style rule and the frame"
        );
        assert_eq!(
            svg.matches("<image").count(),
            5 + 1,
            "a mesh per frame and the key"
        );
        assert_eq!(svg.matches("class=\"colour-key\"").count(), 1);
        assert!(svg.contains("data-epoch=\"40\""));
        assert!(svg.contains("Epoch 0 (untrained)") && svg.contains("Epoch 40 · loss 0.1250"));
        assert!(svg.contains("@keyframes nn-leo-anim-relu-0-1-play"));
        assert!(svg.contains("animation-delay:-2.5s") && svg.contains("animation-delay:-0.5s"));
        assert!(svg.contains("Activation: ReLU | &lt;lr&gt;"));
        assert_eq!(svg.matches("<title").count(), 1);
        assert_eq!(e.stills.len(), 5);
        for (k, still) in e.stills.iter().enumerate() {
            assert_eq!(
                still.matches("visibility=\"hidden\"").count(),
                4,
                "frame {k}"
            );
            assert!(!still.contains("<style>"));
        }
        assert_eq!(draw(5, false).svg, e.svg, "deterministic");
        assert!(draw(5, false).stills.is_empty());
    }

    #[test]
    fn dots_render_as_dots() {
        let e = draw(2, true);
        let img = crate::testing::render(&e.stills[1]);
        // The last frame's hidden point (0.3, 0.4) is class 1's blue, in the left panel.
        let w = img.width as usize;
        let [r, g, b] = super::super::colour::parse_hex(super::super::style::marker(1)).unwrap();
        let near = |v: u8, want: u8| v.abs_diff(want) < 30;
        let blue = img
            .rgba()
            .chunks_exact(4)
            .enumerate()
            .filter(|(i, p)| i % w < 400 && near(p[0], r) && near(p[1], g) && near(p[2], b))
            .count();
        assert!(blue > 10, "{blue} blue pixels");
        assert_eq!(super::super::scatter::num1(12.345), "12.3");
        assert_eq!(super::super::scatter::num1(-0.04), "0");
    }

    #[test]
    fn no_frames_or_bad_points_are_errors() {
        let classes = [Class {
            name: "a".into(),
            color: None,
        }];
        let opts = EvolutionOptions {
            title: None,
            x_label: None,
            y_label: None,
            hidden_labels: ["h1".into(), "h2".into()],
            hidden_x: [0.0, 1.0],
            hidden_y: [0.0, 1.0],
            seconds: 0.5,
        };
        let meta = Meta::default();
        assert!(evolution(&[], &[], &[], &classes, &opts, &meta, false).is_err());
        let mut f = frames(1);
        f[0].hidden = vec![[f64::NAN, 0.0]];
        assert!(evolution(&f, &[[0.0, 0.0]], &[0], &classes, &opts, &meta, false).is_err());
    }
}
