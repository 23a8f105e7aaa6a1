"""The build pipeline: pure steps over Arrow record batches, engines that run them."""
