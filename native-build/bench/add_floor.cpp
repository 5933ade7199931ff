// The floor for the per-call benchmark: adding two 16-element float tensors from C++ directly,
// the cost that libtorch itself sets for one tiny op. Prints nanoseconds per add.
#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 2000000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  at::set_num_threads(1);
  at::Tensor a = torch::rand({16});
  at::Tensor b = torch::rand({16});
  double sink = 0;
  for (int r = 0; r < rounds; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) {
      at::Tensor c = at::add(a, b);
      if (i == 0) sink += c.data_ptr<float>()[0];
    }
    auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    std::printf("cpp_add_ns %.2f\n", ns / iterations);
  }
  std::fprintf(stderr, "sink %f\n", sink);
  return 0;
}
