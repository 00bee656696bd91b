export {
  AppError,
  AuthenticationError,
  ConflictError,
  DependencyError,
  InternalError,
  MalformedBodyError,
  MalformedPathError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  RequestRejectedError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './_errors.js';
export type { AppErrorOptions, AuthFailureCode, FieldIssue } from './_errors.js';
export {
  PROBLEM_CONTENT_TYPE,
  notFoundHandler,
  problemFor,
  problemHandler,
  requestIdOf,
  sendProblem,
  toAppError,
} from './_handler.js';
export type { ProblemDocument, ProblemHandlerOptions } from './_handler.js';
