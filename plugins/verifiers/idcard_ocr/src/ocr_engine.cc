#include "ocr_engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

namespace shiming::idcard_ocr {
namespace {

struct Engine {
  tesseract::TessBaseAPI api;
  bool ready = false;
};

Engine& engine(Script script) {
  thread_local Engine chinese, latin;
  Engine& e = script == Script::chinese ? chinese : latin;
  if (!e.ready) {
    std::string dir = tessdata_dir();
    if (dir.empty()) throw std::runtime_error("Tesseract models not found (install tesseract-ocr-chi-sim)");
    const char* lang = script == Script::chinese ? "chi_sim" : "eng";
    if (e.api.Init(dir.c_str(), lang, tesseract::OEM_LSTM_ONLY) != 0)
      throw std::runtime_error(std::string("Tesseract could not load ") + lang);
    e.api.SetVariable("preserve_interword_spaces", "1");
    e.api.SetVariable("debug_file", "/dev/null");
    e.ready = true;
  }
  return e;
}

}  // namespace

std::string tessdata_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env && *env) {
    if (fs::exists(fs::path(env) / "chi_sim.traineddata")) return env;
    if (fs::exists(fs::path(env) / "tessdata" / "chi_sim.traineddata")) return (fs::path(env) / "tessdata").string();
  }
  for (const char* d : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                        "/usr/share/tessdata"})
    if (fs::exists(fs::path(d) / "chi_sim.traineddata")) return d;
  return {};
}

OcrText ocr_line(const cv::Mat& gray, Script script, const std::string& whitelist, bool single_char, bool raw_line,
                 bool with_choices) {
  OcrText out;
  if (gray.empty() || gray.cols < 4 || gray.rows < 4) return out;
  cv::Mat img = gray.isContinuous() ? gray : gray.clone();
  Engine& e = engine(script);
  auto t0 = std::chrono::steady_clock::now();
  e.api.SetVariable("tessedit_char_whitelist", whitelist.c_str());
  // The LSTM's per-symbol candidates (mode 2) only when asked: they cost a little time.
  e.api.SetVariable("lstm_choice_mode", with_choices ? "2" : "0");
  e.api.SetPageSegMode(single_char ? tesseract::PSM_SINGLE_CHAR
                       : raw_line  ? tesseract::PSM_RAW_LINE
                                   : tesseract::PSM_SINGLE_LINE);
  e.api.SetImage(img.data, img.cols, img.rows, 1, static_cast<int>(img.step));
  e.api.SetSourceResolution(300);
  if (e.api.Recognize(nullptr) != 0) return out;
  std::unique_ptr<tesseract::ResultIterator> it(e.api.GetIterator());
  double sum = 0, mn = 1;
  int n = 0;
  if (it) {
    do {
      std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
      if (!sym) continue;
      double c = std::clamp(it->Confidence(tesseract::RIL_SYMBOL) / 100.0, 0.0, 1.0);
      std::string s(sym.get());
      if (s.empty() || s == " ") continue;
      out.text += s;
      out.symbols.emplace_back(s, c);
      if (with_choices) {
        std::vector<std::pair<std::string, double>> alts;
        tesseract::ChoiceIterator ci(*it);
        do {
          const char* t = ci.GetUTF8Text();
          if (t && *t) alts.emplace_back(t, std::clamp(ci.Confidence() / 100.0, 0.0, 1.0));
        } while (ci.Next());
        std::stable_sort(alts.begin(), alts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        out.choices.push_back(std::move(alts));
      }
      sum += c;
      mn = std::min(mn, c);
      ++n;
    } while (it->Next(tesseract::RIL_SYMBOL));
  }
  out.confidence = n ? sum / n : 0;
  if (std::getenv("SHIMING_OCR_DEBUG_DIR"))
    std::fprintf(stderr, "ocr %s%s %dx%d wl=%s -> '%s' %.2f %.1f ms\n", script == Script::chinese ? "chi" : "eng", raw_line ? " raw" : "",
                 img.cols, img.rows, whitelist.c_str(), out.text.c_str(), out.confidence,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  out.min_confidence = n ? mn : 0;
  e.api.Clear();
  return out;
}

}  // namespace shiming::idcard_ocr
