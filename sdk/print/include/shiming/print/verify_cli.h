// `shimingctl receipt verify` / `ticket verify`: checks a signed token offline with the issuer's public key.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace shiming::print {

// args: [--json] --public-key <base64 | @file> <token>   (the arguments after "receipt verify" or "ticket verify")
// Prints the receipt's contents (masked personal data only). Exit codes: 0 valid, 1 invalid
// token, 2 usage or key error.
int run_receipt_verify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace shiming::print
