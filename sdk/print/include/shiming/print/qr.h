// QR codes for printed documents (libqrencode): the module matrix and an SVG of it.
#pragma once

#include <string>
#include <vector>

#include <shiming/sdk/result.h>

namespace shiming::print {

// Square module matrix of the QR code (true = dark), error correction M. Error QR_FAILED.
sdk::Result<std::vector<std::vector<bool>>> qr_modules(const std::string& text);
// An SVG with a 4-module quiet zone, for HTML pages.
std::string qr_svg(const std::vector<std::vector<bool>>& modules);

}  // namespace shiming::print
