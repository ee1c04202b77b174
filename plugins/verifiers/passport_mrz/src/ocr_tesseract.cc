#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <tesseract/baseapi.h>

#include "ocr_tesseract.h"
#include "shiming/mrz/mrz_reader.h"

namespace shiming::mrz {
namespace {

tesseract::TessBaseAPI& engine() {
  thread_local std::unique_ptr<tesseract::TessBaseAPI> api;
  if (!api) {
    std::string dir = tessdata_dir();
    if (dir.empty()) throw std::runtime_error("Tesseract eng model not found (install tesseract-ocr-eng)");
    auto a = std::make_unique<tesseract::TessBaseAPI>();
    if (a->Init(dir.c_str(), "eng", tesseract::OEM_LSTM_ONLY) != 0)
      throw std::runtime_error("Tesseract could not load eng");
    a->SetVariable("debug_file", "/dev/null");
    a->SetVariable("tessedit_char_whitelist", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<");
    a->SetVariable("load_system_dawg", "0");
    a->SetVariable("load_freq_dawg", "0");
    a->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    api = std::move(a);
  }
  return *api;
}

}  // namespace

std::string tessdata_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env && *env) {
    if (fs::exists(fs::path(env) / "eng.traineddata")) return env;
    if (fs::exists(fs::path(env) / "tessdata" / "eng.traineddata")) return (fs::path(env) / "tessdata").string();
  }
  for (const char* d : {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                        "/usr/share/tessdata"})
    if (fs::exists(fs::path(d) / "eng.traineddata")) return d;
  return {};
}

std::string tesseract_line(const cv::Mat& gray) {
  if (gray.empty() || gray.cols < 8 || gray.rows < 8) return {};
  cv::Mat img = gray.isContinuous() ? gray : gray.clone();
  auto& api = engine();
  api.SetImage(img.data, img.cols, img.rows, 1, static_cast<int>(img.step));
  api.SetSourceResolution(300);
  std::unique_ptr<char[]> text(api.GetUTF8Text());
  api.Clear();
  std::string out;
  if (text)
    for (const char* p = text.get(); *p; ++p)
      if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '<') out += *p;
  return out;
}

}  // namespace shiming::mrz
