/**
 * The ONNX protobuf schema, compiled for protobufjs by the `onnx-proto`
 * package: every byte is decoded and encoded by protobufjs, never by hand.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type OnnxModel = onnxProto.onnx.ModelProto;
export type OnnxGraphProto = onnxProto.onnx.GraphProto;
export type OnnxNodeProto = onnxProto.onnx.NodeProto;
export type OnnxTensorProto = onnxProto.onnx.TensorProto;
export type OnnxAttributeProto = onnxProto.onnx.AttributeProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export const DataType = onnxProto.onnx.TensorProto.DataType;
export const AttributeType = onnxProto.onnx.AttributeProto.AttributeType;
