"""tf.linalg.LinearOperator and its TF 1.15 family (base.py: the abstract base with dense
defaults; structured.py: operators defined by one tensor; composite.py: operators built from
operators)."""
__all__ = ["LinearOperator", "LinearOperatorAdjoint", "LinearOperatorBlockDiag", "LinearOperatorBlockLowerTriangular",
           "LinearOperatorCirculant", "LinearOperatorCirculant2D", "LinearOperatorCirculant3D",
           "LinearOperatorComposition", "LinearOperatorDiag", "LinearOperatorFullMatrix", "LinearOperatorHouseholder",
           "LinearOperatorIdentity", "LinearOperatorInversion", "LinearOperatorKronecker",
           "LinearOperatorLowRankUpdate", "LinearOperatorLowerTriangular", "LinearOperatorPermutation",
           "LinearOperatorScaledIdentity", "LinearOperatorToeplitz", "LinearOperatorTridiag", "LinearOperatorZeros"]

from compat_tf._src.ops.linear_operator.base import LinearOperator  # noqa: F401
from compat_tf._src.ops.linear_operator.composite import (  # noqa: F401
    LinearOperatorAdjoint, LinearOperatorBlockDiag, LinearOperatorBlockLowerTriangular, LinearOperatorComposition,
    LinearOperatorInversion, LinearOperatorKronecker, LinearOperatorLowRankUpdate)
from compat_tf._src.ops.linear_operator.structured import (  # noqa: F401
    LinearOperatorCirculant, LinearOperatorCirculant2D, LinearOperatorCirculant3D, LinearOperatorDiag,
    LinearOperatorFullMatrix, LinearOperatorHouseholder, LinearOperatorIdentity, LinearOperatorLowerTriangular,
    LinearOperatorPermutation, LinearOperatorScaledIdentity, LinearOperatorToeplitz, LinearOperatorTridiag,
    LinearOperatorZeros)
