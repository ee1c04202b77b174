#pragma once
// Helpers for integration tests: identities, images, a JSON client for the host.
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/tests/test_client.h"

namespace shiming::testing {

// A valid 18-digit resident ID number (real region code, check character)
// for a person born on `birth` (YYYYMMDD), random sequence digits.
std::string make_id_number(std::mt19937& rng, const std::string& region = "110105",
                           const std::string& birth = "19900307", char sex = 'M');

// A card-sized JPEG or PNG photo (real encoder output).
std::string make_photo(const std::string& ext = ".jpg", int width = 1280, int height = 800);

struct Api {
  explicit Api(unsigned short port) : client("127.0.0.1", port) {}
  http::testing::ClientResponse call(const std::string& method, const std::string& target,
                                     const std::string& body = {}, const std::string& token = {},
                                     const std::string& content_type = "application/json");
  http::testing::ClientResponse json(const std::string& method, const std::string& target,
                                     const nlohmann::json& body, const std::string& token = {}) {
    return call(method, target, body.dump(), token);
  }
  http::testing::TestClient client;
};

// The error code of an error envelope, or "" when the body is not one.
std::string error_code(const http::testing::ClientResponse& r);

// Runs shimingctl with arguments; stdin text; returns exit code; output into `out`.
int run_ctl(const std::vector<std::string>& args, const std::string& stdin_text, std::string& out);

}  // namespace shiming::testing
