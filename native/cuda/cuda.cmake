# Optional CUDA kernels (native/cuda). SPATIAL_GEOM_CUDA: ON (required), OFF, or AUTO (when nvcc exists).
# Filled in by the CUDA backend issue; until then AUTO and OFF build the CPU core only.
if(SPATIAL_GEOM_CUDA STREQUAL "ON")
  message(FATAL_ERROR "SPATIAL_GEOM_CUDA=ON: the CUDA kernels are not part of this version yet")
endif()
message(STATUS "spatial_geom: CUDA kernels not built (CPU core only)")
