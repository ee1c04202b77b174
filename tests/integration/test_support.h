#pragma once
// Helpers for integration tests: identities, images, a JSON client for the host.
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host_process.h"
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

// The MariaDB URL for this test process: a database of its own, created on first use on the
// server scripts/with-mariadb.sh started (SHIMING_TEST_MYSQL_URL names it); "" when that variable
// is not set. Tests that run at the same time then never share tables: each host has its own
// keys, so a shared job queue or record store would mix one test's work into another's.
std::string mysql_test_url();

// The error code of an error envelope, or "" when the body is not one.
std::string error_code(const http::testing::ClientResponse& r);

// Runs shimingctl with arguments; stdin text; returns exit code; output into `out`.
int run_ctl(const std::vector<std::string>& args, const std::string& stdin_text, std::string& out);
// Runs a program (looked up in PATH) with stdin text; exit code, stdout and stderr into `out`.
int run_program(const std::vector<std::string>& command, std::string& out, const std::string& stdin_text = {});

// The whole file (binary safe); "" when it cannot be read.
std::string slurp(const std::string& path);

// Polls `ok` every 100 ms until it holds or `limit` passes; the last answer.
bool eventually(const std::function<bool()>& ok, std::chrono::milliseconds limit = std::chrono::seconds(30));

// A host process for `config` (not started yet): `database` overrides its URL when not empty.
std::unique_ptr<HostProcess> make_host(const std::string& config, const std::string& database = {},
                                       std::vector<std::string> extra_args = {});

inline constexpr const char* kStaffPassword = "correct horse battery staple";
// Adds a staff user with shimingctl (password kStaffPassword) and returns the user name, named
// <role>_<random>; "" on failure (shimingctl's output in *output when given).
std::string add_staff(const std::string& config, const std::string& database, const std::string& province,
                      const std::string& role, std::mt19937& rng, std::string* output = nullptr);
// Signs a staff user in; the session token, "" on failure.
std::string login(Api& api, const std::string& name);

// The text of the QR code on the first page of a PDF: the page rasterised by poppler's pdftoppm
// (300 dpi, top right quarter where the signed documents put it) and decoded by zbarimg
// (zbar-tools). "" when none is found. `work_dir` holds the files.
std::string pdf_qr_text(const std::string& pdf, const std::string& work_dir);

}  // namespace shiming::testing
