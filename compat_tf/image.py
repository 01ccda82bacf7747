"""tf.image: image codecs (compat_tf._src.ops.image_ops) and geometry/colour ops (image_ops_impl)."""
from compat_tf._src.ops.image_ops import (  # noqa: F401
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg,
    encode_png, is_jpeg)
from compat_tf._src.ops.image_ops_impl import (  # noqa: F401
    ResizeMethod, adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue, adjust_saturation, central_crop,
    convert_image_dtype, crop_to_bounding_box, flip_left_right, flip_up_down, grayscale_to_rgb, hsv_to_rgb,
    image_gradients, non_max_suppression, pad_to_bounding_box, per_image_standardization, random_brightness,
    random_contrast, random_flip_left_right, random_flip_up_down, random_hue, random_saturation,
    resize_bicubic, resize_bilinear, resize_image_with_crop_or_pad, resize_images, resize_nearest_neighbor,
    rgb_to_grayscale, rgb_to_hsv, rot90, total_variation, transpose_image)
from compat_tf._src.ops.random_ops import random_crop  # noqa: F401
from compat_tf._src.ops.image_boxes_ops import (  # noqa: F401
    crop_and_resize, draw_bounding_boxes, non_max_suppression_overlaps, non_max_suppression_padded,
    non_max_suppression_with_scores,
    resize_area, sample_distorted_bounding_box)
from compat_tf._src.ops.image_quality_ops import (  # noqa: F401
    extract_image_patches, extract_jpeg_shape, extract_patches, psnr, resize_image_with_pad, rgb_to_yiq, rgb_to_yuv,
    sobel_edges, ssim, ssim_multiscale, yiq_to_rgb, yuv_to_rgb)

resize = resize_images
resize_with_crop_or_pad = resize_image_with_crop_or_pad
transpose = transpose_image

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.image")
