// The signed-document PDF: a real PDF that poppler's pdftoppm rasterises, the QR code drawn dark
// in the top right corner, and text too long for a QR code refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "shiming/print/qr.h"
#include "shiming/print/signed_pdf.h"

namespace shiming::print {
namespace {

namespace fs = std::filesystem;

TEST(SignedPdf, RendersAPageWithTheQrCode) {
  SignedPdf doc;
  doc.title = "测试省 准考证";
  doc.subtitle = "Admission ticket";
  doc.rows = {{"姓名 / Name", "李*"}, {"身份证号 / ID number", "110105********0013"}};
  doc.note = "扫描二维码核验。Scan the QR code.";
  doc.token = std::string(300, 'x') + "." + std::string(86, 'y');
  doc.qr_text = doc.token;
  auto pdf = render_signed_pdf(doc);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  ASSERT_EQ(pdf->rfind("%PDF-", 0), 0u);
  fs::path dir = fs::temp_directory_path() / ("signed_pdf_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "d.pdf", std::ios::binary) << *pdf;
  // -gray -r 36: a 298x421 PGM, the QR's dark modules in the top right quarter.
  ASSERT_EQ(std::system(("pdftoppm -gray -r 36 " + (dir / "d.pdf").string() + " " + (dir / "p").string()).c_str()), 0);
  fs::path page;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".pgm") page = e.path();
  ASSERT_FALSE(page.empty());
  std::ifstream in(page, std::ios::binary);
  std::string magic;
  int w = 0, h = 0, maxval = 0;
  in >> magic >> w >> h >> maxval;
  in.get();
  std::string pixels((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(magic, "P5");
  ASSERT_EQ(pixels.size(), static_cast<std::size_t>(w * h));
  auto dark_share = [&](int x0, int y0, int x1, int y1) {
    int dark = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) dark += static_cast<unsigned char>(pixels[y * w + x]) < 128;
    return static_cast<double>(dark) / ((x1 - x0) * (y1 - y0));
  };
  // The QR area (right margin 56 pt, 150 pt square from the top margin) is about half dark;
  // the page's bottom strip is blank.
  double qr = dark_share(w * (595 - 56 - 130) / 595, h * 70 / 842, w * (595 - 66) / 595, h * 190 / 842);
  EXPECT_GT(qr, 0.25);
  EXPECT_LT(qr, 0.75);
  EXPECT_LT(dark_share(0, h * 95 / 100, w, h), 0.01);
  fs::remove_all(dir);
}

TEST(SignedPdf, TextTooLongForAQrCodeIsRefused) {
  SignedPdf doc;
  doc.title = "x";
  doc.qr_text = std::string(8000, 'a');
  auto pdf = render_signed_pdf(doc);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.error().code, "QR_FAILED");
  EXPECT_FALSE(qr_modules(std::string(8000, 'a')).ok());
  auto small = qr_modules("hello");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->size(), 21u);  // version 1
  EXPECT_NE(qr_svg(*small).find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace shiming::print
