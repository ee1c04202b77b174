#include "shiming/mrz/mrz_reader.h"

#include <chrono>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "image_header.h"
#include "mrz_band.h"
#include "ocr_templates.h"
#include "ocr_tesseract.h"

namespace shiming::mrz {
namespace {

int check_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 0;
}

int passed_checks(const ParsedMrz& p) {
  int n = 0;
  for (const auto& c : p.checks) n += c.ok;
  return n;
}

}  // namespace

sdk::Result<ReadResult> read_mrz(const std::vector<std::uint8_t>& image, const ReaderOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  auto dims = image_dimensions(image);
  if (!dims)
    return sdk::make_error("IMAGE_UNREADABLE", "The file is not a JPEG or PNG image.",
                           "文件不是 JPEG 或 PNG 图片。", "image");
  if (static_cast<double>(dims->first) * dims->second > static_cast<double>(options.max_pixels))
    return sdk::make_error("IMAGE_TOO_LARGE",
                           "The image has too many pixels (" + std::to_string(dims->first) + "x" +
                               std::to_string(dims->second) + ").",
                           "图片像素过多。", "image");
  cv::Mat gray = cv::imdecode(image, cv::IMREAD_GRAYSCALE);
  if (gray.empty())
    return sdk::make_error("IMAGE_UNREADABLE", "The image could not be decoded.", "图片无法解码。", "image");

  ReadResult result;
  auto band = find_band(gray);
  if (band) {
    result.found = true;
    ParseOptions po;
    po.reference_year = options.reference_year;
    int width = 0;
    for (const auto& b : band->line_binary) width = std::max(width, estimate_width(b));
    if (width == 0) width = band->lines.size() == 3 ? 30 : 44;
    std::optional<ParsedMrz> best;
    std::vector<std::string> best_lines;
    std::string best_engine;
    auto consider = [&](std::vector<std::string> lines, const char* engine) {
      // A reading with a line of the wrong length (e.g. fillers dropped) is never accepted as
      // valid: the parser would pad a name line, hiding a misread.
      bool complete = true;
      for (const auto& l : lines) complete = complete && static_cast<int>(l.size()) == width;
      auto p = parse(lines, po);
      if (p.ok() && !complete) p->valid = false;
      if (!p.ok()) {
        if (best_lines.empty()) {
          best_lines = lines;
          best_engine = engine;
        }
        return false;
      }
      if (!best || passed_checks(*p) > passed_checks(*best)) {
        best = *p;
        best_lines = lines;
        best_engine = engine;
      }
      return p->valid;
    };
    // OCR-B templates first: the font is standardised, so matching its glyphs at the zone's fixed
    // pitch is fast and exact on clean captures; Tesseract (no OCR-B model in Debian) is the
    // second opinion when the check digits reject that reading.
    bool done = false;
    if (options.use_templates) {
      std::vector<std::string> lines;
      for (std::size_t i = 0; i < band->lines.size(); ++i) {
        std::vector<double> m;
        std::string runners;
        const std::string classes = character_classes(width, static_cast<int>(i));
        lines.push_back(template_line(band->line_binary[i], band->line_ink[i], width, classes,
                                      &m, &runners));
        const std::string& read = lines.back();
        for (std::size_t c = 0; c < m.size() && c < classes.size(); ++c) {
          // Names are also compared with the declaration by the verifier: a lower bar there.
          const bool name_pos = classes[c] == 'A';
          if (m[c] >= (name_pos ? options.min_margin / 2 : options.min_margin)) continue;
          // A check digit catches a single wrong character unless both weigh the same modulo 10
          // (S/8, G/6, O/4... ); names are covered by no check digit at all.
          bool names = classes[c] == 'A' && (i == 0 ? width != 30 || c >= 5 : width == 30 && i == 2);
          bool blind = check_value(read[c]) % 10 == check_value(runners[c]) % 10;
          if (names || (classes[c] != 'A' && blind)) ++result.doubtful;
        }
      }
      done = consider(lines, "templates");
      // Letters and digits that the check digits cannot tell apart (S/8 and G/6 weigh the same
      // modulo 10) were matched with little margin: ask Tesseract for a second opinion.
      if (done && result.doubtful > 0 && options.use_tesseract) done = false;
    }
    if (!done && options.use_tesseract) {
      std::vector<std::string> lines;
      for (const auto& b : band->line_binary) lines.push_back(tesseract_line(255 - b));
      auto before = best_lines;
      bool tesseract_valid = consider(lines, "tesseract");
      // Two engines agreeing on a valid zone confirm the doubtful characters.
      if (tesseract_valid && !before.empty() && before == lines) result.doubtful = 0;
      if (tesseract_valid && before != lines && result.doubtful > 0) {
        // The engines disagree: keep the reading but leave it doubtful.
      }
    }
    result.lines = best_lines;
    result.engine = best_engine;
    result.parsed = best;
  }
  result.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace shiming::mrz
