// Fixed-pitch segmentation and OCR-B template matching.
#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "mrz_font.h"
#include "ocr_templates.h"

namespace shiming::mrz {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
constexpr int kAlphabetSize = sizeof(kAlphabet) - 1;
const cv::Size kCell(28, 36);
constexpr int kCellArea = 28 * 36;

struct Glyph {
  double cx = 0;      // ink centre
  cv::Rect box;       // ink bounding box
};

// Cuts a pitch-wide, line-high window centred on cx and scales it to kCell.
cv::Mat cell(const cv::Mat& bin, double cx, int top, int bottom, double pitch) {
  int x0 = static_cast<int>(std::lround(cx - pitch / 2));
  cv::Rect want(x0, top, static_cast<int>(std::lround(pitch)), bottom - top);
  cv::Mat window = cv::Mat::zeros(want.size(), CV_8U);
  cv::Rect have = want & cv::Rect(0, 0, bin.cols, bin.rows);
  if (have.area() > 0) bin(have).copyTo(window(cv::Rect(have.x - want.x, have.y - want.y, have.width, have.height)));
  cv::Mat out;
  cv::resize(window, out, kCell, 0, 0, cv::INTER_AREA);
  out.convertTo(out, CV_32F, 1 / 255.0);
  // Soften so stroke width and a pixel of misalignment matter less than shape.
  cv::GaussianBlur(out, out, {0, 0}, 1.2);
  return out;
}

struct Templates {
  std::array<cv::Mat, kAlphabetSize> cells;                // rendered from the OCR-B font
  std::array<std::vector<cv::Mat>, kAlphabetSize> variants;  // rendered + learned (see learned_templates.inc)
  // The variants as zero-mean, unit-norm rows: the normalised correlation coefficient of two cells of
  // the same size (TM_CCOEFF_NORMED) is then one dot product.
  std::array<std::vector<cv::Mat>, kAlphabetSize> normed;
};

// Zero mean, unit norm, one row; an empty Mat when the cell is flat (no correlation defined: 0).
cv::Mat normalised(const cv::Mat& cell) {
  cv::Mat v = cell.reshape(1, 1).clone();
  v -= cv::mean(v)[0];
  double n = cv::norm(v);
  if (n < 1e-9) return {};
  v /= n;
  return v;
}

#include "learned_templates.inc"

const Templates& templates() {
  static const Templates t = [] {
    Templates t;
    const int h = kMrzFontHeight * 2, pitch_px = static_cast<int>(kMrzPitch * 2);
    // The vertical window: cap top to baseline, measured on 'H'.
    auto render = [&](char c) {
      cv::Mat img(h * 2, pitch_px * 3, CV_8UC3, cv::Scalar::all(255));
      draw_mrz_char(img, c, {pitch_px, h + h / 2}, cv::Scalar::all(0), h);
      cv::Mat g;
      cv::cvtColor(img, g, cv::COLOR_BGR2GRAY);
      return cv::Mat(255 - g);
    };
    cv::Mat hmask;
    cv::threshold(render('H'), hmask, 128, 255, cv::THRESH_BINARY);
    cv::Rect hbox = cv::boundingRect(hmask);
    for (int i = 0; i < kAlphabetSize; ++i) {
      cv::Mat bin = render(kAlphabet[i]), mask;
      cv::threshold(bin, mask, 128, 255, cv::THRESH_BINARY);
      cv::Rect b = cv::boundingRect(mask);
      t.cells[i] = cell(bin, b.x + b.width / 2.0, hbox.y, hbox.y + hbox.height, kMrzPitch * 2);
    }
    for (int i = 0; i < kAlphabetSize; ++i) {
      t.variants[i].push_back(t.cells[i]);
      if (kLearnedCount[i] > 0) {
        cv::Mat m(kCell, CV_32F);
        for (int p = 0; p < kCell.area(); ++p) m.at<float>(p / kCell.width, p % kCell.width) = kLearned[i][p] / 255.0f;
        t.variants[i].push_back(m);
      }
      for (const cv::Mat& v : t.variants[i]) t.normed[i].push_back(normalised(v));
    }
    return t;
  }();
  return t;
}

std::vector<Glyph> glyphs(const cv::Mat& bin) {
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(bin, labels, stats, centroids, 8, CV_32S);
  std::vector<Glyph> out;
  for (int i = 1; i < n; ++i) {
    cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
               stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    if (r.height < 0.25 * bin.rows || r.width > bin.rows * 1.5) continue;  // specks, streaks
    out.push_back({r.x + r.width / 2.0, r});
  }
  std::sort(out.begin(), out.end(), [](const Glyph& a, const Glyph& b) { return a.cx < b.cx; });
  // Merge pieces of one glyph (broken strokes).
  std::vector<Glyph> merged;
  for (const auto& g : out) {
    if (!merged.empty() && g.box.x < merged.back().box.br().x - 1) {
      merged.back().box |= g.box;
      merged.back().cx = merged.back().box.x + merged.back().box.width / 2.0;
    } else {
      merged.push_back(g);
    }
  }
  if (merged.size() < 5) return merged;
  // Keep glyphs that sit on the line: not taller than the typical glyph, centre inside the
  // typical band (drops the page edge, photo corners, guilloche specks).
  std::vector<int> heights, tops, bottoms;
  for (const auto& g : merged) {
    heights.push_back(g.box.height);
    tops.push_back(g.box.y);
    bottoms.push_back(g.box.br().y);
  }
  auto median = [](std::vector<int> v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  int mh = median(heights), mt = median(tops), mb = median(bottoms);
  std::vector<Glyph> kept;
  for (const auto& g : merged) {
    int cy = g.box.y + g.box.height / 2;
    if (g.box.height > 1.35 * mh || cy < mt - 0.1 * mh || cy > mb + 0.1 * mh) continue;
    kept.push_back(g);
  }
  // Glyphs that touch (blur, a dark print) form one wide component: split it at the pitch.
  {
    std::vector<double> d;
    for (std::size_t i = 1; i < kept.size(); ++i)
      if (kept[i].box.width < 1.2 * mh && kept[i - 1].box.width < 1.2 * mh) d.push_back(kept[i].cx - kept[i - 1].cx);
    if (!d.empty()) {
      std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
      const double pitch = d[d.size() / 2];
      std::vector<Glyph> split;
      for (const auto& g : kept) {
        int n = static_cast<int>(std::lround(g.box.width / pitch));
        if (g.box.width > 1.3 * pitch && n >= 2 && n <= 44) {
          double w = static_cast<double>(g.box.width) / n;
          for (int k = 0; k < n; ++k) {
            cv::Rect b(static_cast<int>(g.box.x + k * w), g.box.y, static_cast<int>(w), g.box.height);
            split.push_back({b.x + b.width / 2.0, b});
          }
        } else if (g.box.width <= 1.6 * mh) {
          split.push_back(g);
        }
      }
      kept = std::move(split);
    }
  }
  // Drop isolated pieces at either end (a gap far wider than the pitch).
  auto gap_at = [&](std::size_t i) { return kept[i].cx - kept[i - 1].cx; };
  for (int pass = 0; pass < 3 && kept.size() > 5; ++pass) {
    std::vector<double> d;
    for (std::size_t i = 1; i < kept.size(); ++i) d.push_back(gap_at(i));
    std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
    double pitch = d[d.size() / 2];
    bool changed = false;
    if (gap_at(1) > 1.8 * pitch) {
      kept.erase(kept.begin());
      changed = true;
    }
    if (kept.size() > 2 && gap_at(kept.size() - 1) > 1.8 * pitch) {
      kept.pop_back();
      changed = true;
    }
    if (!changed) break;
  }
  return kept;
}

double median_gap(const std::vector<Glyph>& g) {
  std::vector<double> d;
  for (std::size_t i = 1; i < g.size(); ++i) d.push_back(g[i].cx - g[i - 1].cx);
  if (d.empty()) return 0;
  std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
  return d[d.size() / 2];
}

}  // namespace

int estimate_width(const cv::Mat& binary) {
  auto g = glyphs(binary);
  if (g.size() < 10) return 0;
  double gap = median_gap(g);
  if (gap <= 0) return 0;
  double n = (g.back().cx - g.front().cx) / gap + 1;
  int best = 0;
  double err = 1e9;
  for (int w : {30, 36, 44})
    if (std::abs(n - w) < err) {
      err = std::abs(n - w);
      best = w;
    }
  return err <= 3 ? best : 0;
}

bool allowed(char c, char cls) {
  bool digit = c >= '0' && c <= '9', letter = c >= 'A' && c <= 'Z';
  switch (cls) {
    case 'N': return digit;
    case 'D': return digit || c == '<';
    case 'A': return letter || c == '<';
    default: return true;
  }
}

std::vector<cv::Mat> line_cells(const cv::Mat& binary, const cv::Mat& ink, int width) {
  auto g = glyphs(binary);
  if (static_cast<int>(g.size()) < width / 2) return {};
  // Vertical extent of the glyphs (cap top to baseline).
  std::vector<int> tops, bottoms;
  for (const auto& x : g) {
    tops.push_back(x.box.y);
    bottoms.push_back(x.box.br().y);
  }
  std::sort(tops.begin(), tops.end());
  std::sort(bottoms.begin(), bottoms.end());
  int top = tops[tops.size() / 10], bottom = bottoms[bottoms.size() * 9 / 10];
  if (bottom - top < 6) return {};
  const double x0 = g.front().cx, x1 = g.back().cx;
  double pitch = (x1 - x0) / (width - 1);
  // One glyph per character when segmentation found exactly `width`; otherwise a line
  // centre = a + b * index fitted to the glyphs (indices from the median gap), so glyphs lost at
  // either end or in the middle do not shift the rest; each window re-centred on the nearest glyph.
  std::vector<double> centres;
  if (static_cast<int>(g.size()) == width) {
    for (const auto& x : g) centres.push_back(x.cx);
  } else {
    double a = x0, b = median_gap(g);
    if (b <= 0) b = pitch;
    for (int iter = 0; iter < 3; ++iter) {
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      int n = 0;
      for (const auto& x : g) {
        double i = std::round((x.cx - a) / b);
        if (i < 0 || i >= width) continue;
        sx += i; sy += x.cx; sxx += i * i; sxy += i * x.cx;
        ++n;
      }
      double den = n * sxx - sx * sx;
      if (n < 5 || std::abs(den) < 1e-9) break;
      b = (n * sxy - sx * sy) / den;
      a = (sy - b * sx) / n;
    }
    // The fit may place the first glyph at index k > 0 when the line starts with lost glyphs;
    // a zone line starts at its first glyph unless the line is visibly longer than the glyphs.
    if (a + b * (width - 1) > binary.cols + b) a = x0;
    pitch = b;
    std::size_t gi = 0;
    for (int i = 0; i < width; ++i) {
      double expect = a + i * b, cx = expect;
      while (gi < g.size() && g[gi].cx < expect - b / 2) ++gi;
      if (gi < g.size() && std::abs(g[gi].cx - expect) < b / 2) cx = g[gi].cx;
      centres.push_back(cx);
    }
  }
  std::vector<cv::Mat> out;
  for (double cx : centres) out.push_back(cell(ink, cx, top, bottom, pitch));
  return out;
}

std::string template_line(const cv::Mat& binary, const cv::Mat& ink, int width, const std::string& classes,
                          std::vector<double>* margins, std::string* runners_up) {
  auto cells = line_cells(binary, ink, width);
  if (cells.empty()) return {};
  const auto& t = templates();
  std::string out;
  for (const cv::Mat& c : cells) {
    double best = -2, second = -2;
    char bc = '<', sc = '<';
    char cls = out.size() < classes.size() ? classes[out.size()] : 'X';
    const cv::Mat cn = normalised(c);
    for (int k = 0; k < kAlphabetSize; ++k) {
      if (!allowed(kAlphabet[k], cls)) continue;
      double v = -2;
      for (const cv::Mat& tm : t.normed[k]) v = std::max(v, cn.empty() || tm.empty() ? 0.0 : cn.dot(tm));
      if (v > best) {
        second = best;
        sc = bc;
        best = v;
        bc = kAlphabet[k];
      } else if (v > second) {
        second = v;
        sc = kAlphabet[k];
      }
    }
    out += bc;
    if (margins) margins->push_back(best - second);
    if (runners_up) runners_up->push_back(sc);
  }
  return out;
}

std::string character_classes(int width, int line) {
  auto rep = [](char c, int n) { return std::string(n, c); };
  if (width == 44) {
    if (line == 0) return rep('A', 44);
    return rep('X', 9) + "N" + rep('A', 3) + rep('N', 7) + "A" + rep('N', 7) + rep('X', 14) + "DN";
  }
  if (width == 36) {
    if (line == 0) return rep('A', 36);
    return rep('X', 9) + "D" + rep('A', 3) + rep('N', 7) + "A" + rep('N', 7) + rep('X', 7) + "N";
  }
  if (line == 0) return rep('A', 5) + rep('X', 9) + "D" + rep('X', 15);
  if (line == 1) return rep('N', 7) + "A" + rep('N', 7) + rep('A', 3) + rep('X', 11) + "N";
  return rep('A', 30);
}

}  // namespace shiming::mrz
