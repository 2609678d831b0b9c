// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// Wallet is a minimal smart-contract wallet that runs HyVM payloads: its
/// owner sends EVM bytecode, which the HyVM contract executes in the
/// wallet's context (its address, storage and balance) through DELEGATECALL.
contract Wallet {
    address public immutable owner;
    address public immutable hyvm;

    error NotOwner(address caller);

    constructor(address hyvm_) payable {
        owner = msg.sender;
        hyvm = hyvm_;
    }

    receive() external payable {}

    /// exec runs payload through HyVM and returns its output; a failing
    /// payload reverts the call with the payload's revert data.
    function exec(bytes calldata payload) external payable returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        return _run(payload);
    }

    /// execStatic runs payload as HyVM's StaticHyVM does: in a static
    /// context, reached by a STATICCALL to the wallet itself, so any state
    /// change fails as it would under STATICCALL.
    function execStatic(bytes calldata payload) external view returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        (bool ok, bytes memory data) = address(this).staticcall(abi.encodeCall(this.runStatic, (payload)));
        _bubble(ok, data);
        return abi.decode(data, (bytes));
    }

    /// runStatic is execStatic's inner frame; only the wallet may call it.
    function runStatic(bytes calldata payload) external returns (bytes memory) {
        if (msg.sender != address(this)) revert NotOwner(msg.sender);
        return _run(payload);
    }

    function _run(bytes calldata payload) private returns (bytes memory) {
        (bool ok, bytes memory data) = hyvm.delegatecall(payload);
        _bubble(ok, data);
        return data;
    }

    function _bubble(bool ok, bytes memory data) private pure {
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(data, 32), mload(data))
            }
        }
    }
}
