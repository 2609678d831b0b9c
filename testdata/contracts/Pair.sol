// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

interface IERC20Balance {
    function balanceOf(address owner) external view returns (uint256);
}

interface ISwapCallee {
    function swapCall(address sender, uint256 amount0Out, uint256 amount1Out, bytes calldata data) external;
}

/// Pair is a Uniswap-V2-style constant-product pool over two tokens with its
/// own liquidity token. It follows UniswapV2Pair (reserves packed in one slot,
/// price accumulators, storage lock, 0.3% fee checked on the invariant) but has
/// no permit, protocol fee, burn or skim: the benchmarks never need them.
contract Pair {
    uint256 public constant MINIMUM_LIQUIDITY = 1000;
    bytes4 private constant TRANSFER = bytes4(keccak256("transfer(address,uint256)"));

    // Immutable rather than a constructor argument, so the creation code, and
    // with it the CREATE2 address, depends on the two tokens only.
    address public immutable factory;
    address public token0;
    address public token1;

    uint112 private reserve0;
    uint112 private reserve1;
    uint32 private blockTimestampLast;

    uint256 public price0CumulativeLast;
    uint256 public price1CumulativeLast;

    uint256 private unlocked = 1;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Mint(address indexed sender, uint256 amount0, uint256 amount1);
    event Swap(
        address indexed sender,
        uint256 amount0In,
        uint256 amount1In,
        uint256 amount0Out,
        uint256 amount1Out,
        address indexed to
    );
    event Sync(uint112 reserve0, uint112 reserve1);

    error Locked();
    error Forbidden();
    error Overflow();
    error TransferFailed();
    error InsufficientLiquidityMinted();
    error InsufficientOutputAmount();
    error InsufficientInputAmount();
    error InsufficientLiquidity();
    error InvalidTo();
    error K();

    modifier lock() {
        if (unlocked != 1) revert Locked();
        unlocked = 0;
        _;
        unlocked = 1;
    }

    constructor() {
        factory = msg.sender;
    }

    function initialize(address token0_, address token1_) external {
        if (msg.sender != factory) revert Forbidden();
        token0 = token0_;
        token1 = token1_;
    }

    function getReserves() public view returns (uint112 reserve0_, uint112 reserve1_, uint32 blockTimestampLast_) {
        reserve0_ = reserve0;
        reserve1_ = reserve1;
        blockTimestampLast_ = blockTimestampLast;
    }

    function mint(address to) external lock returns (uint256 liquidity) {
        (uint112 reserve0_, uint112 reserve1_,) = getReserves();
        uint256 balance0 = IERC20Balance(token0).balanceOf(address(this));
        uint256 balance1 = IERC20Balance(token1).balanceOf(address(this));
        uint256 amount0 = balance0 - reserve0_;
        uint256 amount1 = balance1 - reserve1_;
        uint256 supply = totalSupply;
        if (supply == 0) {
            liquidity = sqrt(amount0 * amount1) - MINIMUM_LIQUIDITY;
            // Locked forever, so the pool can never be drained to zero supply.
            _mint(address(0), MINIMUM_LIQUIDITY);
        } else {
            liquidity = min(amount0 * supply / reserve0_, amount1 * supply / reserve1_);
        }
        if (liquidity == 0) revert InsufficientLiquidityMinted();
        _mint(to, liquidity);
        _update(balance0, balance1, reserve0_, reserve1_);
        emit Mint(msg.sender, amount0, amount1);
    }

    /// swap sends the requested amounts out, then requires that what was paid
    /// in (the balances above the reserves) keeps the invariant after the fee.
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external lock {
        if (amount0Out == 0 && amount1Out == 0) revert InsufficientOutputAmount();
        (uint112 reserve0_, uint112 reserve1_,) = getReserves();
        if (amount0Out >= reserve0_ || amount1Out >= reserve1_) revert InsufficientLiquidity();

        uint256 balance0;
        uint256 balance1;
        {
            address token0_ = token0;
            address token1_ = token1;
            if (to == token0_ || to == token1_) revert InvalidTo();
            if (amount0Out > 0) _safeTransfer(token0_, to, amount0Out);
            if (amount1Out > 0) _safeTransfer(token1_, to, amount1Out);
            if (data.length > 0) ISwapCallee(to).swapCall(msg.sender, amount0Out, amount1Out, data);
            balance0 = IERC20Balance(token0_).balanceOf(address(this));
            balance1 = IERC20Balance(token1_).balanceOf(address(this));
        }
        uint256 amount0In = balance0 > reserve0_ - amount0Out ? balance0 - (reserve0_ - amount0Out) : 0;
        uint256 amount1In = balance1 > reserve1_ - amount1Out ? balance1 - (reserve1_ - amount1Out) : 0;
        if (amount0In == 0 && amount1In == 0) revert InsufficientInputAmount();
        {
            uint256 balance0Adjusted = balance0 * 1000 - amount0In * 3;
            uint256 balance1Adjusted = balance1 * 1000 - amount1In * 3;
            if (balance0Adjusted * balance1Adjusted < uint256(reserve0_) * reserve1_ * 1000 ** 2) revert K();
        }
        _update(balance0, balance1, reserve0_, reserve1_);
        emit Swap(msg.sender, amount0In, amount1In, amount0Out, amount1Out, to);
    }

    function sync() external lock {
        _update(
            IERC20Balance(token0).balanceOf(address(this)),
            IERC20Balance(token1).balanceOf(address(this)),
            reserve0,
            reserve1
        );
    }

    function _mint(address to, uint256 value) private {
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function _safeTransfer(address token, address to, uint256 value) private {
        (bool success, bytes memory data) = token.call(abi.encodeWithSelector(TRANSFER, to, value));
        if (!success || (data.length != 0 && !abi.decode(data, (bool)))) revert TransferFailed();
    }

    /// _update stores the new reserves and, on the first call of a block,
    /// accumulates the previous prices (UQ112x112) weighted by elapsed time.
    function _update(uint256 balance0, uint256 balance1, uint112 reserve0_, uint112 reserve1_) private {
        if (balance0 > type(uint112).max || balance1 > type(uint112).max) revert Overflow();
        uint32 blockTimestamp = uint32(block.timestamp % 2 ** 32);
        unchecked {
            uint32 timeElapsed = blockTimestamp - blockTimestampLast; // wraps on purpose
            if (timeElapsed > 0 && reserve0_ != 0 && reserve1_ != 0) {
                // The products fit in 256 bits; the sums wrap on purpose.
                price0CumulativeLast += (uint256(reserve1_) << 112) / reserve0_ * timeElapsed;
                price1CumulativeLast += (uint256(reserve0_) << 112) / reserve1_ * timeElapsed;
            }
        }
        reserve0 = uint112(balance0);
        reserve1 = uint112(balance1);
        blockTimestampLast = blockTimestamp;
        emit Sync(reserve0, reserve1);
    }

    function min(uint256 x, uint256 y) private pure returns (uint256) {
        return x < y ? x : y;
    }

    /// sqrt is the Babylonian method, as in Uniswap V2's Math library.
    function sqrt(uint256 y) private pure returns (uint256 z) {
        if (y > 3) {
            z = y;
            uint256 x = y / 2 + 1;
            while (x < z) {
                z = x;
                x = (y / x + x) / 2;
            }
        } else if (y != 0) {
            z = 1;
        }
    }
}
